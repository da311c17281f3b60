/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The thin C shim between GoogleTest and phaseout's C code: the C headers,
 * tests/support/ (owners, temporary trees, fixtures, process runs), and
 * the runtime and row helpers every test file wants.
 */

/* the C headers declare themselves extern "C" (G_BEGIN_DECLS); wrapping
 * them again would also wrap GLib's C++-only parts */
#include "po-error.h"
#include "po-query-context.h"
#include "po-root.h"
#include "po-rows.h"
#include "po-runtime.h"
#include "po-schema.h"
#include "po-schemas.h"
#include "po-settings.h"
#include "po-table.h"
#include "po-engine.h"
#include "po-test-support.h"

#include <memory>
#include <string>
#include <vector>

namespace po_test {

/* a runtime over settings built from flag pairs, e.g. {{"root", dir}, {"now", "2017-12-01T00:00:00Z"}} */
RuntimePtr make_runtime (const std::vector<std::pair<std::string, std::string>> &flags);

/* the runtime's inventory, for calling the collectors directly */
inline PoInventory *
inventory_of (const RuntimePtr &runtime)
{
  return po_runtime_get_inventory (runtime.get ());
}

/* all rows of a table as vectors of nullable strings ("<NULL>" for NULL) */
std::vector<std::vector<std::string>> rows_as_strings (PoRows *rows);

}  // namespace po_test
