/* SPDX-License-Identifier: Apache-2.0 */
#include "po-fleet.h"

/* the quark's name is the macro's first argument as written: clang-format
 * would put spaces around its dashes */
/* clang-format off */
G_DEFINE_QUARK (po-fleet-error-quark, po_fleet_error)
/* clang-format on */
