/* SPDX-License-Identifier: Apache-2.0 */
#include "po-test-shim.h"

#include <gio/gio.h>
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

static void
remove_tree (GFile *file)
{
  g_autoptr(GFileEnumerator) children =
      g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                 G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  if (children != NULL)
    {
      GFileInfo *info;
      while ((info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
        {
          g_autoptr(GFile) child = g_file_get_child (file, g_file_info_get_name (info));
          remove_tree (child);
          g_object_unref (info);
        }
    }
  g_autofree gchar *path = g_file_get_path (file);
  /* a test may have made something unreadable; make it removable again */
  g_chmod (path, 0700);
  g_file_delete (file, NULL, NULL);
}

TempDir::~TempDir ()
{
  if (path_.empty ())
    return;
  g_autoptr(GFile) top = g_file_new_for_path (path_.c_str ());
  remove_tree (top);
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
