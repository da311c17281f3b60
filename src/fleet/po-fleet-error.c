/* SPDX-License-Identifier: Apache-2.0 */
#include "po-fleet.h"

G_DEFINE_QUARK (po-fleet-error-quark, po_fleet_error)
