/* SPDX-License-Identifier: Apache-2.0 */
#include "po-error.h"

G_DEFINE_QUARK (phaseout-error-quark, po_error)
