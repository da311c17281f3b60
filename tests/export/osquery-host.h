/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * A fixture host tree (tests/fixtures/compliance/<host>, what the extension
 * reads with --root) as the rows osquery's core tables would show on that
 * host, so the exported SQL and the extension can be asked about the same
 * host (test-export-status.cc).  osquery-host.cc says how each table is
 * read.
 */
#include <string>

namespace po_test {

/* {"deb_packages": [...], "processes": [...], "systemd_units": [...],
 *  "kernel_modules": [...], "file": [...]} for OsqueryDb::load_json() */
std::string osquery_rows_from_root (const std::string &root);

}  // namespace po_test
