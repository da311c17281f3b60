/* SPDX-License-Identifier: Apache-2.0 */
#include "po-test-shim.h"

#include <ftw.h>
#include <gio/gio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <gtest/gtest.h>

namespace po_test {

std::string
fixture_path (const std::string &relative)
{
  return std::string (PO_TEST_SOURCE_DIR) + "/fixtures/" + relative;
}

std::string
build_path (const std::string &relative)
{
  return std::string (PO_TEST_BUILD_DIR) + "/" + relative;
}

TempDir::TempDir ()
{
  GError *error = NULL;
  gchar *dir = g_dir_make_tmp ("phaseout-test-XXXXXX", &error);
  if (dir == NULL)
    {
      ADD_FAILURE () << "g_dir_make_tmp: " << error->message;
      g_error_free (error);
      return;
    }
  path_ = dir;
  g_free (dir);
}

/*
 * removes one entry of the walk.  nftw() with FTW_PHYS never follows a
 * symlink, and FTW_DEPTH visits a directory after its contents, so a link
 * to /etc planted in a fixture is unlinked as a link: nothing outside the
 * temp dir is ever listed, chmod'ed or removed.
 */
static int
remove_entry (const char *path, const struct stat *st, int type, struct FTW *ftw)
{
  if (type == FTW_DP)
    {
      /* a test may have made its own directory unwritable; this is a real
       * directory inside the temp dir (FTW_PHYS), so chmod is safe */
      chmod (path, 0700);
      rmdir (path);
      return 0;
    }
  unlink (path);
  return 0;
}

/* directories a test made unreadable must be listable before the walk */
static int
open_up_entry (const char *path, const struct stat *st, int type, struct FTW *ftw)
{
  if (type == FTW_D || type == FTW_DNR)
    chmod (path, 0700);
  return 0;
}

TempDir::~TempDir ()
{
  if (path_.empty ())
    return;
  nftw (path_.c_str (), open_up_entry, 16, FTW_PHYS);
  nftw (path_.c_str (), remove_entry, 16, FTW_PHYS | FTW_DEPTH);
}

void
TempDir::write (const std::string &name, const std::string &contents, int mode) const
{
  std::string full = file (name);
  g_autofree gchar *parent = g_path_get_dirname (full.c_str ());
  ASSERT_EQ (g_mkdir_with_parents (parent, 0755), 0) << parent;
  GError *error = NULL;
  if (!g_file_set_contents (full.c_str (), contents.data (), (gssize) contents.size (), &error))
    {
      ADD_FAILURE () << error->message;
      g_error_free (error);
      return;
    }
  ASSERT_EQ (g_chmod (full.c_str (), mode), 0);
}

RuntimePtr
make_runtime (const std::vector<std::pair<std::string, std::string>> &flags)
{
  SettingsPtr settings (po_settings_new ());
  for (const auto &flag : flags)
    {
      GError *error = NULL;
      if (!po_settings_apply_flag (settings.get (), flag.first.c_str (),
                                   flag.second.c_str (), &error))
        {
          ADD_FAILURE () << flag.first << ": " << error->message;
          g_error_free (error);
          return RuntimePtr ();
        }
    }
  GError *error = NULL;
  PoRuntime *runtime = po_runtime_new (settings.get (), &error);
  if (runtime == NULL)
    {
      ADD_FAILURE () << error->message;
      g_error_free (error);
    }
  return RuntimePtr (runtime);
}

std::vector<std::vector<std::string>>
rows_as_strings (PoRows *rows)
{
  std::vector<std::vector<std::string>> out;
  const PoTableSchema *schema = po_rows_get_schema (rows);
  for (guint r = 0; r < po_rows_get_n_rows (rows); r++)
    {
      std::vector<std::string> row;
      for (guint c = 0; c < schema->n_columns; c++)
        {
          const gchar *cell = po_rows_get (rows, r, c);
          row.push_back (cell != NULL ? cell : "<NULL>");
        }
      out.push_back (row);
    }
  return out;
}

}  // namespace po_test
