/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * What every test suite shares (tests/support/): RAII owners for the Po*
 * and GLib types the tests hold, temporary trees removed without ever
 * following a symlink, fixture copies, and process runs.  The Thrift wire
 * helpers are po-test-wire.h; the tree removal itself is po-test-tree.h.
 */
#include "po-catalogue.h"
#include "po-engine.h"
#include "po-export.h"
#include "po-query-context.h"
#include "po-rows.h"
#include "po-runtime.h"
#include "po-settings.h"
#include "po-test-tree.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace po_test {

/* ---- owners -------------------------------------------------------------- */

/* std::unique_ptr<T> freed by free_func: Owned<PoRows, po_rows_free> */
template <typename T, void (*free_func) (T *)> struct FreeWith {
  void
  operator() (T *p) const
  {
    free_func (p);
  }
};
template <typename T, void (*free_func) (T *)>
using Owned = std::unique_ptr<T, FreeWith<T, free_func>>;

inline void
free_gchar (gchar *p)
{
  g_free (p);
}

using ErrorPtr = Owned<GError, g_error_free>;
using CharPtr = Owned<gchar, free_gchar>;
using ArrayPtr = Owned<GPtrArray, g_ptr_array_unref>;
using RowsPtr = Owned<PoRows, po_rows_free>;
using RuntimePtr = Owned<PoRuntime, po_runtime_unref>;
using ContextPtr = Owned<PoQueryContext, po_query_context_free>;
using SettingsPtr = Owned<PoSettings, po_settings_free>;
using ResultPtr = Owned<PoResult, po_result_free>;
using CataloguePtr = Owned<PoCatalogue, po_catalogue_unref>;
using OptionsPtr = Owned<PoCatalogueOptions, po_catalogue_options_free>;
using ProfilePtr = Owned<PoProfile, po_profile_unref>;
using ExportQueryPtr = Owned<PoExportQuery, po_export_query_free>;

/* ---- paths and trees ----------------------------------------------------- */

/* tests/fixtures/<relative> in the source tree */
std::string fixture_path (const std::string &relative);
/* the build tree (for built binaries such as phaseout.ext) */
std::string build_path (const std::string &relative);

/* removes dir (its contents only with keep_top) with po_test_remove_tree(),
 * failing the test for anything left behind */
void remove_tree (const std::string &dir, bool keep_top = false);

/*
 * A fresh directory under $TMPDIR, removed with everything in it on
 * destruction (po_test_remove_tree(): never through a symlink).  A strict
 * one fails the test when something could not be removed.
 */
class TempDir {
 public:
  explicit TempDir (bool strict = false);
  ~TempDir ();
  TempDir (const TempDir &) = delete;
  TempDir &operator= (const TempDir &) = delete;
  const std::string &
  path () const
  {
    return path_;
  }
  std::string
  file (const std::string &name) const
  {
    return path_ + "/" + name;
  }
  /* writes name (creating parent directories) with contents and mode */
  void write (const std::string &name, const std::string &contents, int mode = 0644) const;

 private:
  std::string path_;
  bool strict_;
};

/* the whole of a file, bytes as they are; a file that cannot be read
 * fails the test (and is "") */
std::string read_file (const std::string &path);

/* copies the contents of source into dest (cp -a: symlinks stay links) */
void copy_tree (const std::string &source, const std::string &dest);
/* copies tests/fixtures/<relative> into dest */
void copy_fixture (const std::string &relative, const std::string &dest);

/* an environment variable set for as long as the object lives, then restored */
class ScopedEnv {
 public:
  ScopedEnv (const std::string &name, const std::string &value);
  ~ScopedEnv ();
  ScopedEnv (const ScopedEnv &) = delete;
  ScopedEnv &operator= (const ScopedEnv &) = delete;

 private:
  std::string name_;
  std::unique_ptr<std::string> old_;
};

/* ---- processes ----------------------------------------------------------- */

/* runs argv (no shell, PATH searched), failing the test unless it exits 0;
 * returns its standard output */
std::string run_or_fail (const std::vector<std::string> &argv);
/* what a process said and how it ended */
struct ProcessResult {
  int status = -1; /* the exit status, -1 when it did not exit (a signal) or did not start */
  std::string out;
  std::string err;
};

/* runs argv (no shell, PATH searched) to its end, whatever it exits with;
 * a program that cannot be started fails the test */
ProcessResult run_process (const std::vector<std::string> &argv);

/* whether a program is on PATH (or in /usr/sbin, /sbin) */
bool have_program (const std::string &program);

/* sql's rows through po_engine_query(), each a column -> value map with
 * "<NULL>" for NULL; a query that fails fails the test and gives no rows */
std::vector<std::map<std::string, std::string>> engine_rows (PoRuntime *runtime,
                                                             const std::string &sql);

}  // namespace po_test
