/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The thin C shim between GoogleTest and phaseout's C code: the C headers,
 * RAII owners for the GLib types the tests hold, and
 * the few helpers every test file wants (fixture paths, temp dirs).
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

#include <memory>
#include <string>
#include <vector>

namespace po_test {

struct GErrorDeleter { void operator() (GError *e) const { g_error_free (e); } };
struct GFreeDeleter { void operator() (void *p) const { g_free (p); } };
struct RowsDeleter { void operator() (PoRows *r) const { po_rows_free (r); } };
struct RuntimeDeleter { void operator() (PoRuntime *r) const { po_runtime_unref (r); } };
struct ContextDeleter { void operator() (PoQueryContext *c) const { po_query_context_free (c); } };
struct SettingsDeleter { void operator() (PoSettings *s) const { po_settings_free (s); } };

using ErrorPtr = std::unique_ptr<GError, GErrorDeleter>;
using CharPtr = std::unique_ptr<gchar, GFreeDeleter>;
using RowsPtr = std::unique_ptr<PoRows, RowsDeleter>;
using RuntimePtr = std::unique_ptr<PoRuntime, RuntimeDeleter>;
using ContextPtr = std::unique_ptr<PoQueryContext, ContextDeleter>;
using SettingsPtr = std::unique_ptr<PoSettings, SettingsDeleter>;

/* tests/fixtures/<relative> in the source tree */
std::string fixture_path (const std::string &relative);
/* the build tree (for built binaries such as phaseout.ext) */
std::string build_path (const std::string &relative);

/* a fresh directory under $TMPDIR, removed with everything in it on destruction */
class TempDir {
 public:
  TempDir ();
  ~TempDir ();
  TempDir (const TempDir &) = delete;
  TempDir &operator= (const TempDir &) = delete;
  const std::string &path () const { return path_; }
  std::string file (const std::string &name) const { return path_ + "/" + name; }
  /* writes name (creating parent directories) with contents and mode */
  void write (const std::string &name, const std::string &contents, int mode = 0644) const;
 private:
  std::string path_;
};

/* a runtime over settings built from flag pairs, e.g. {{"root", dir}, {"now", "2017-12-01T00:00:00Z"}} */
RuntimePtr make_runtime (const std::vector<std::pair<std::string, std::string>> &flags);

/* all rows of a table as vectors of nullable strings ("<NULL>" for NULL) */
std::vector<std::vector<std::string>> rows_as_strings (PoRows *rows);

}  // namespace po_test
