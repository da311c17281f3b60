/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The rows osqueryd would return on a fixture host, read from the tree the
 * extension reads with --root, column names as in osquery's specs
 * (osquery-schemas/):
 *
 *   deb_packages    var/lib/dpkg/status, every stanza (osquery lists the
 *                   half-installed and config-files ones too)
 *   processes       proc/<pid>: name (comm), path (the exe link's target),
 *                   cmdline, uid (the real uid of status), on_disk (whether
 *                   the target exists in the tree)
 *   systemd_units   unit files of etc/, run/ and usr/lib/systemd/system (the
 *                   first of a name wins, as systemd's precedence); a link to
 *                   /dev/null is load_state "masked", the rest "loaded"
 *   kernel_modules  proc/modules
 *   file            every entry of the tree but proc/ (lstat, so links are
 *                   "symlink"), which osquery's file table answers path = and
 *                   directory = constraints from
 *
 * Owners: the tree is checked out by whoever runs the tests; the extension
 * trusts executables owned by root or by its own user, and osqueryd runs as
 * root, so a file owned by the user running the tests is shown as root's
 * (uid and gid 0), as it is on the host the fixture stands for.
 */
#include "osquery-host.h"

#include <ftw.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include <set>
#include <vector>

namespace po_test {

namespace {

std::string
read_text (const std::string &path)
{
  gchar *text = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path.c_str (), &text, &length, NULL))
    return "";
  std::string out (text, length);
  g_free (text);
  return out;
}

std::string
chomp (std::string text)
{
  while (!text.empty () && (text.back () == '\n' || text.back () == ' '))
    text.pop_back ();
  return text;
}

void
add_deb_packages (JsonBuilder *builder, const std::string &root)
{
  std::string text = read_text (root + "/var/lib/dpkg/status");
  gchar **stanzas = g_regex_split_simple ("\\n\\s*\\n", text.c_str (), (GRegexCompileFlags) 0,
                                          (GRegexMatchFlags) 0);

  json_builder_set_member_name (builder, "deb_packages");
  json_builder_begin_array (builder);
  for (guint i = 0; stanzas[i] != NULL; i++)
    {
      gchar **lines = g_strsplit (stanzas[i], "\n", -1);
      static const char *const fields[][2] = { { "Package", "name" },
                                               { "Version", "version" },
                                               { "Architecture", "arch" },
                                               { "Status", "status" },
                                               { "Maintainer", "maintainer" } };
      bool any = false;

      for (guint l = 0; lines[l] != NULL; l++)
        for (const auto &field : fields)
          if (g_str_has_prefix (lines[l], (std::string (field[0]) + ":").c_str ()))
            {
              if (!any)
                json_builder_begin_object (builder);
              any = true;
              json_builder_set_member_name (builder, field[1]);
              json_builder_add_string_value (builder,
                                             g_strstrip (lines[l] + strlen (field[0]) + 1));
            }
      if (any)
        json_builder_end_object (builder);
      g_strfreev (lines);
    }
  json_builder_end_array (builder);
  g_strfreev (stanzas);
}

void
add_processes (JsonBuilder *builder, const std::string &root)
{
  GDir *dir = g_dir_open ((root + "/proc").c_str (), 0, NULL);
  const gchar *entry;

  json_builder_set_member_name (builder, "processes");
  json_builder_begin_array (builder);
  while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
    {
      std::string base = root + "/proc/" + entry;
      gchar *target;
      guint64 pid;

      if (!g_ascii_string_to_unsigned (entry, 10, 1, G_MAXINT32, &pid, NULL))
        continue;
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "pid");
      json_builder_add_int_value (builder, (gint64) pid);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, chomp (read_text (base + "/comm")).c_str ());
      target = g_file_read_link ((base + "/exe").c_str (), NULL);
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder, target != NULL ? target : "");
      json_builder_set_member_name (builder, "on_disk");
      json_builder_add_int_value (
        builder,
        target != NULL && g_file_test ((root + target).c_str (), G_FILE_TEST_EXISTS) ? 1 : 0);
      g_free (target);
      std::string cmdline = read_text (base + "/cmdline");
      for (char &c : cmdline)
        if (c == '\0')
          c = ' ';
      json_builder_set_member_name (builder, "cmdline");
      json_builder_add_string_value (builder, chomp (cmdline).c_str ());
      std::string status = read_text (base + "/status");
      gint64 uid = -1;
      size_t at = status.find ("\nUid:");
      if (at != std::string::npos)
        uid = g_ascii_strtoll (status.c_str () + at + 5, NULL, 10);
      json_builder_set_member_name (builder, "uid");
      json_builder_add_int_value (builder, uid);
      json_builder_end_object (builder);
    }
  if (dir != NULL)
    g_dir_close (dir);
  json_builder_end_array (builder);
}

void
add_systemd_units (JsonBuilder *builder, const std::string &root)
{
  static const char *const dirs[] = { "/etc/systemd/system", "/run/systemd/system",
                                      "/usr/lib/systemd/system" };
  std::set<std::string> seen;

  json_builder_set_member_name (builder, "systemd_units");
  json_builder_begin_array (builder);
  for (const char *unit_dir : dirs)
    {
      GDir *dir = g_dir_open ((root + unit_dir).c_str (), 0, NULL);
      const gchar *entry;

      while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
        {
          std::string path = std::string (unit_dir) + "/" + entry;
          gchar *target = g_file_read_link ((root + path).c_str (), NULL);
          bool masked = target != NULL && g_str_equal (target, "/dev/null");

          g_free (target);
          if (strchr (entry, '.') == NULL
              || g_file_test ((root + path).c_str (), G_FILE_TEST_IS_DIR)
              || !seen.insert (entry).second)
            continue;
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "id");
          json_builder_add_string_value (builder, entry);
          json_builder_set_member_name (builder, "load_state");
          json_builder_add_string_value (builder, masked ? "masked" : "loaded");
          json_builder_set_member_name (builder, "active_state");
          json_builder_add_string_value (builder, masked ? "inactive" : "active");
          json_builder_set_member_name (builder, "sub_state");
          json_builder_add_string_value (builder, masked ? "dead" : "running");
          json_builder_set_member_name (builder, "fragment_path");
          json_builder_add_string_value (builder, masked ? "" : path.c_str ());
          json_builder_end_object (builder);
        }
      if (dir != NULL)
        g_dir_close (dir);
    }
  json_builder_end_array (builder);
}

void
add_kernel_modules (JsonBuilder *builder, const std::string &root)
{
  std::string text = read_text (root + "/proc/modules");
  gchar **lines = g_strsplit (text.c_str (), "\n", -1);

  json_builder_set_member_name (builder, "kernel_modules");
  json_builder_begin_array (builder);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      gchar **fields = g_strsplit_set (lines[i], " ", -1);
      if (g_strv_length (fields) >= 6)
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, fields[0]);
          json_builder_set_member_name (builder, "size");
          json_builder_add_int_value (builder, g_ascii_strtoll (fields[1], NULL, 10));
          json_builder_set_member_name (builder, "used_by");
          json_builder_add_string_value (builder, fields[3]);
          json_builder_set_member_name (builder, "status");
          json_builder_add_string_value (builder, fields[4]);
          json_builder_set_member_name (builder, "address");
          json_builder_add_string_value (builder, fields[5]);
          json_builder_end_object (builder);
        }
      g_strfreev (fields);
    }
  g_strfreev (lines);
  json_builder_end_array (builder);
}

/* nftw has no user data: the walk's state, one walk at a time */
struct FileWalk {
  std::string root;
  JsonBuilder *builder;
};
FileWalk *file_walk;

int
add_file_entry (const char *path, const struct stat *st, int type, struct FTW *ftw)
{
  std::string relative = std::string (path).substr (file_walk->root.size ());
  JsonBuilder *builder = file_walk->builder;
  gchar *mode;
  bool mine = st->st_uid == geteuid ();

  (void) type;
  if (ftw->level == 0)
    return 0;
  if (relative == "/proc")
    return FTW_SKIP_SUBTREE;
  std::string directory = relative.substr (0, relative.rfind ('/'));
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "path");
  json_builder_add_string_value (builder, relative.c_str ());
  json_builder_set_member_name (builder, "directory");
  json_builder_add_string_value (builder, directory.empty () ? "/" : directory.c_str ());
  json_builder_set_member_name (builder, "filename");
  json_builder_add_string_value (builder, path + ftw->base);
  json_builder_set_member_name (builder, "uid");
  json_builder_add_int_value (builder, mine ? 0 : st->st_uid);
  json_builder_set_member_name (builder, "gid");
  json_builder_add_int_value (builder, mine ? 0 : st->st_gid);
  mode = g_strdup_printf ("%04o", st->st_mode & 07777);
  json_builder_set_member_name (builder, "mode");
  json_builder_add_string_value (builder, mode);
  g_free (mode);
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, st->st_size);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, S_ISDIR (st->st_mode)   ? "directory"
                                          : S_ISLNK (st->st_mode) ? "symlink"
                                          : S_ISREG (st->st_mode) ? "regular"
                                                                  : "unknown");
  json_builder_end_object (builder);
  return FTW_CONTINUE;
}

void
add_files (JsonBuilder *builder, const std::string &root)
{
  FileWalk walk = { root, builder };

  json_builder_set_member_name (builder, "file");
  json_builder_begin_array (builder);
  file_walk = &walk;
  /* FTW_PHYS: links are entries, never followed */
  nftw (root.c_str (), add_file_entry, 16, FTW_PHYS | FTW_ACTIONRETVAL);
  file_walk = nullptr;
  json_builder_end_array (builder);
}

}  // namespace

std::string
osquery_rows_from_root (const std::string &root)
{
  JsonBuilder *builder = json_builder_new ();
  JsonGenerator *generator = json_generator_new ();
  JsonNode *node;
  gchar *text;

  json_builder_begin_object (builder);
  add_deb_packages (builder, root);
  add_processes (builder, root);
  add_systemd_units (builder, root);
  add_kernel_modules (builder, root);
  add_files (builder, root);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  std::string out (text);
  g_free (text);
  json_node_unref (node);
  g_object_unref (generator);
  g_object_unref (builder);
  return out;
}

}  // namespace po_test
