/* SPDX-License-Identifier: Apache-2.0 */
#include "po-test-support.h"

#include <glib/gstdio.h>
#include <sys/wait.h>
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

void
remove_tree (const std::string &dir, bool keep_top)
{
  gchar *failure = nullptr;
  guint failures = po_test_remove_tree (dir.c_str (), keep_top, &failure);

  if (failures > 0)
    ADD_FAILURE () << failures << " entries left in " << dir << ", the first: " << failure;
  g_free (failure);
}

TempDir::TempDir (bool strict) : strict_ (strict)
{
  GError *error = nullptr;
  gchar *dir = g_dir_make_tmp ("phaseout-test-XXXXXX", &error);
  if (dir == nullptr)
    {
      ADD_FAILURE () << "g_dir_make_tmp: " << error->message;
      g_error_free (error);
      return;
    }
  path_ = dir;
  g_free (dir);
}

TempDir::~TempDir ()
{
  if (path_.empty ())
    return;
  if (strict_)
    remove_tree (path_);
  else
    po_test_remove_tree (path_.c_str (), FALSE, nullptr);
}

void
TempDir::write (const std::string &name, const std::string &contents, int mode) const
{
  std::string full = file (name);
  g_autofree gchar *parent = g_path_get_dirname (full.c_str ());
  ASSERT_EQ (g_mkdir_with_parents (parent, 0755), 0) << parent;
  GError *error = nullptr;
  if (!g_file_set_contents (full.c_str (), contents.data (), (gssize) contents.size (), &error))
    {
      ADD_FAILURE () << error->message;
      g_error_free (error);
      return;
    }
  ASSERT_EQ (g_chmod (full.c_str (), mode), 0);
}

std::string
read_file (const std::string &path)
{
  g_autofree gchar *contents = nullptr;
  gsize length = 0;
  GError *error = nullptr;

  if (!g_file_get_contents (path.c_str (), &contents, &length, &error))
    {
      ADD_FAILURE () << error->message;
      g_error_free (error);
      return "";
    }
  return std::string (contents, length);
}

void
copy_tree (const std::string &source, const std::string &dest)
{
  run_or_fail ({ "cp", "-a", source + "/.", dest });
}

void
copy_fixture (const std::string &relative, const std::string &dest)
{
  copy_tree (fixture_path (relative), dest);
}

ScopedEnv::ScopedEnv (const std::string &name, const std::string &value) : name_ (name)
{
  const gchar *old = g_getenv (name.c_str ());
  if (old != nullptr)
    old_.reset (new std::string (old));
  g_setenv (name.c_str (), value.c_str (), TRUE);
}

ScopedEnv::~ScopedEnv ()
{
  if (old_ != nullptr)
    g_setenv (name_.c_str (), old_->c_str (), TRUE);
  else
    g_unsetenv (name_.c_str ());
}

/* runs argv; FALSE (test failed) when it could not be started */
static bool
spawn (const std::vector<std::string> &argv, std::string *ret_out, std::string *ret_err,
       gint *ret_wait_status)
{
  std::vector<gchar *> args;
  for (const auto &a : argv)
    args.push_back (const_cast<gchar *> (a.c_str ()));
  args.push_back (nullptr);
  g_autofree gchar *out = nullptr;
  g_autofree gchar *err = nullptr;
  GError *error = nullptr;
  if (!g_spawn_sync (nullptr, args.data (), nullptr, G_SPAWN_SEARCH_PATH, nullptr, nullptr, &out,
                     &err, ret_wait_status, &error))
    {
      ADD_FAILURE () << argv[0] << ": " << error->message;
      g_error_free (error);
      return false;
    }
  *ret_out = out != nullptr ? out : "";
  *ret_err = err != nullptr ? err : "";
  return true;
}

std::string
run_or_fail (const std::vector<std::string> &argv)
{
  std::string out, err;
  gint status = 0;
  GError *error = nullptr;
  if (!spawn (argv, &out, &err, &status))
    return "";
  if (!g_spawn_check_wait_status (status, &error))
    {
      ADD_FAILURE () << argv[0] << " failed: " << error->message << "\n" << err;
      g_error_free (error);
    }
  return out;
}

ProcessResult
run_process (const std::vector<std::string> &argv)
{
  ProcessResult result;
  gint status = 0;

  if (spawn (argv, &result.out, &result.err, &status))
    result.status = WIFEXITED (status) ? WEXITSTATUS (status) : -1;
  return result;
}

bool
have_program (const std::string &program)
{
  g_autofree gchar *found = g_find_program_in_path (program.c_str ());
  if (found != nullptr)
    return true;
  for (const char *dir : { "/usr/sbin/", "/sbin/" })
    if (g_file_test ((std::string (dir) + program).c_str (), G_FILE_TEST_IS_EXECUTABLE))
      return true;
  return false;
}

std::vector<std::map<std::string, std::string>>
engine_rows (PoRuntime *runtime, const std::string &sql)
{
  std::vector<std::map<std::string, std::string>> rows;
  PoResult *result = nullptr;
  GError *error = nullptr;

  if (!po_engine_query (runtime, sql.c_str (), &result, &error))
    {
      ADD_FAILURE () << sql << ": " << error->message;
      g_error_free (error);
      return rows;
    }
  for (guint r = 0; r < result->rows->len; r++)
    {
      GPtrArray *cells = (GPtrArray *) g_ptr_array_index (result->rows, r);
      std::map<std::string, std::string> row;
      for (guint c = 0; c < result->column_names->len; c++)
        {
          const gchar *value = (const gchar *) g_ptr_array_index (cells, c);
          row[(const gchar *) g_ptr_array_index (result->column_names, c)] = value != nullptr
                                                                               ? value
                                                                               : "<NULL>";
        }
      rows.push_back (row);
    }
  po_result_free (result);
  return rows;
}

}  // namespace po_test
