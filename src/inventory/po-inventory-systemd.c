/* SPDX-License-Identifier: Apache-2.0 */
/*
 * systemd units: the unit files on disk, in systemd's order of precedence
 * (the first directory that has a name wins, as systemd-analyze
 * unit-paths lists them for the system manager), and, when this is the
 * real root and systemd runs, the state of each unit from systemd over
 * the system bus.
 *
 * The bus is optional and never waited on for long: a private connection
 * (not the shared singleton, whose exit-on-close would take the whole
 * extension down with dbus-daemon) made asynchronously under a 2 s
 * deadline, and a ListUnits call with a 2 s timeout.  No bus, no systemd,
 * a fixture root: the states stay NULL and the files speak alone.
 */
#include "po-inventory-private.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#define MAX_UNITS_PER_DIR   100000
#define MAX_UNIT_FILE_BYTES (1024u * 1024)
#define BUS_TIMEOUT_MS      2000

static const gchar *const unit_dirs[] = {
  "/etc/systemd/system",     "/run/systemd/system", "/usr/local/lib/systemd/system",
  "/usr/lib/systemd/system", "/lib/systemd/system",
};

static const gchar *const unit_suffixes[] = {
  ".service", ".socket", ".target", ".timer", ".mount",  ".automount",
  ".path",    ".slice",  ".scope",  ".swap",  ".device", NULL,
};

void
po_unit_free (PoUnit *unit)
{
  if (unit == NULL)
    return;
  g_free (unit->name);
  g_free (unit->path);
  g_free (unit->description);
  g_free (unit->exec_start);
  g_free (unit->load_state);
  g_free (unit->active_state);
  g_free (unit->sub_state);
  g_free (unit);
}

/* a unit name systemd would load: "name.suffix", "name@.service", "name@inst.service" */
static gboolean
is_unit_name (const gchar *name)
{
  gsize len = strlen (name);

  if (len < 3 || len > 255 || name[0] == '.')
    return FALSE;
  for (const gchar *p = name; *p != '\0'; p++)
    if (!(g_ascii_isalnum (*p) || strchr (":-_.\\@", *p) != NULL))
      return FALSE;
  for (guint i = 0; unit_suffixes[i] != NULL; i++)
    if (g_str_has_suffix (name, unit_suffixes[i]) && len > strlen (unit_suffixes[i]))
      return TRUE;
  return FALSE;
}

/*
 * Description= and the first ExecStart= of a unit file, from its [Unit]
 * and [Service] sections; systemd's syntax is simple enough for that
 * (key=value, '#'/';' comments, a trailing backslash continues a line)
 */
static void
parse_unit_file (const gchar *contents, gchar **ret_description, gchar **ret_exec_start)
{
  g_auto (GStrv) lines = g_strsplit (contents, "\n", -1);
  g_autofree gchar *section = NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr (GString) line = g_string_new (g_strstrip (lines[i]));
      gchar *eq;

      while (line->len > 0 && line->str[line->len - 1] == '\\' && lines[i + 1] != NULL)
        {
          g_string_truncate (line, line->len - 1);
          while (line->len > 0 && g_ascii_isspace (line->str[line->len - 1]))
            g_string_truncate (line, line->len - 1);
          g_string_append_c (line, ' ');
          g_string_append (line, g_strstrip (lines[++i]));
        }
      if (line->len == 0 || line->str[0] == '#' || line->str[0] == ';')
        continue;
      if (line->str[0] == '[')
        {
          g_free (section);
          section = g_strdup (line->str);
          continue;
        }
      eq = strchr (line->str, '=');
      if (eq == NULL)
        continue;
      *eq = '\0';
      g_strstrip (line->str);
      if (g_strcmp0 (section, "[Unit]") == 0 && strcmp (line->str, "Description") == 0)
        {
          g_free (*ret_description);
          *ret_description = po_inventory_sanitize (g_strstrip (eq + 1), -1);
        }
      else if (g_strcmp0 (section, "[Service]") == 0 && strcmp (line->str, "ExecStart") == 0
               && *ret_exec_start == NULL)
        {
          const gchar *value = g_strstrip (eq + 1);
          /* "ExecStart=" alone resets the list; the prefixes @-:+! are flags */
          while (*value != '\0' && strchr ("@-:+!", *value) != NULL)
            value++;
          if (*value != '\0')
            *ret_exec_start = po_inventory_sanitize (value, -1);
        }
    }
}

/*
 * one entry of a unit directory, read relative to the directory (dirfd):
 * readdir's type saves an lstat for regular files, and the file is read
 * only when its Description= and ExecStart= are wanted
 */
static PoUnit *
read_unit (PoRoot *root, int dirfd, const gchar *dir, const struct dirent *entry,
           gboolean read_contents, GPtrArray *warnings)
{
  const gchar *name = entry->d_name;
  g_autoptr (PoUnit) unit = g_new0 (PoUnit, 1);
  g_autofree gchar *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree gchar *contents = NULL;
  mode_t type;

  unit->name = g_strdup (name);
  unit->path = g_strdup (path);
  switch (entry->d_type)
    {
    case DT_REG:
      type = S_IFREG;
      break;
    case DT_LNK:
      type = S_IFLNK;
      break;
      case DT_UNKNOWN: {
        struct stat st;
        if (fstatat (dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
          {
            po_inventory_warn (warnings, "systemd", path, FALSE, "cannot stat %s: %s", path,
                               g_strerror (errno));
            return NULL;
          }
        type = st.st_mode & S_IFMT;
      }
      break;
    default:
      type = 0;
      break;
    }
  if (type == S_IFLNK)
    {
      g_autofree gchar *target = NULL;
      if (po_root_readlink_at (root, dirfd, dir, name, &target, NULL)
          && g_strcmp0 (target, "/dev/null") == 0)
        {
          unit->masked = TRUE;
          return g_steal_pointer (&unit);
        }
    }
  else if (type != S_IFREG)
    return NULL; /* a directory named foo.service: not a unit file */
  if (!read_contents)
    return g_steal_pointer (&unit);
  /* the link (an alias, "systemctl link") is followed beneath the root */
  if (!po_root_read_file_at (root, dirfd, dir, name, MAX_UNIT_FILE_BYTES, &contents, NULL, &error))
    {
      if (!po_inventory_error_is_missing (error))
        po_inventory_warn (warnings, "systemd", path, FALSE, "%s", error->message);
      /* a dangling alias still names a unit; say what we know */
      return g_steal_pointer (&unit);
    }
  parse_unit_file (contents, &unit->description, &unit->exec_start);
  return g_steal_pointer (&unit);
}

static gint
compare_units (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(PoUnit *const *) a)->name, (*(PoUnit *const *) b)->name);
}

static void
collect_unit_files (PoRoot *root, gboolean read_contents, GPtrArray *units, GPtrArray *warnings)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (gsize d = 0; d < G_N_ELEMENTS (unit_dirs); d++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (DIR) dir = po_root_opendir (root, unit_dirs[d], &error);
      struct dirent *entry;
      guint n_entries = 0;

      if (dir == NULL)
        {
          if (!po_inventory_error_is_missing (error))
            po_inventory_warn (warnings, "systemd", unit_dirs[d], FALSE, "%s", error->message);
          continue;
        }
      while ((entry = readdir (dir)) != NULL)
        {
          PoUnit *unit;
          if (++n_entries > MAX_UNITS_PER_DIR)
            {
              po_inventory_warn (warnings, "systemd", unit_dirs[d], FALSE,
                                 "more than %u entries; the rest are ignored", MAX_UNITS_PER_DIR);
              break;
            }
          if (!is_unit_name (entry->d_name) || g_hash_table_contains (seen, entry->d_name))
            continue;
          unit = read_unit (root, dirfd (dir), unit_dirs[d], entry, read_contents, warnings);
          if (unit == NULL)
            continue;
          g_hash_table_add (seen, g_strdup (entry->d_name));
          g_ptr_array_add (units, unit);
        }
    }
  g_ptr_array_sort (units, compare_units);
}

void
po_inventory_units_merge_list_units (GPtrArray *units, GVariant *reply)
{
  g_autoptr (GHashTable) by_name = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GVariantIter) iter = NULL;
  const gchar *name, *description, *load_state, *active_state, *sub_state;

  if (!g_variant_is_of_type (reply, G_VARIANT_TYPE ("(a(ssssssouso))")))
    return;
  for (guint i = 0; i < units->len; i++)
    {
      PoUnit *unit = units->pdata[i];
      g_hash_table_insert (by_name, unit->name, unit);
    }
  g_variant_get (reply, "(a(ssssssouso))", &iter);
  while (g_variant_iter_next (iter, "(&s&s&s&s&s&s&ou&s&o)", &name, &description, &load_state,
                              &active_state, &sub_state, NULL, NULL, NULL, NULL, NULL))
    {
      PoUnit *unit = g_hash_table_lookup (by_name, name);
      if (unit == NULL)
        {
          /* loaded but without a file in the directories above: transient,
           * generated, or a device/scope unit systemd makes itself */
          unit = g_new0 (PoUnit, 1);
          unit->name = po_inventory_sanitize (name, -1);
          g_ptr_array_add (units, unit);
          g_hash_table_insert (by_name, unit->name, unit);
        }
      g_free (unit->load_state);
      g_free (unit->active_state);
      g_free (unit->sub_state);
      unit->load_state = po_inventory_sanitize (load_state, -1);
      unit->active_state = po_inventory_sanitize (active_state, -1);
      unit->sub_state = po_inventory_sanitize (sub_state, -1);
      if (description[0] != '\0')
        {
          g_free (unit->description);
          unit->description = po_inventory_sanitize (description, -1);
        }
    }
  /* a unit file systemd has not loaded is, for systemd, inactive */
  for (guint i = 0; i < units->len; i++)
    {
      PoUnit *unit = units->pdata[i];
      if (unit->active_state == NULL)
        {
          unit->load_state = g_strdup (unit->masked ? "masked" : "not-loaded");
          unit->active_state = g_strdup ("inactive");
          unit->sub_state = g_strdup ("dead");
        }
    }
  g_ptr_array_sort (units, compare_units);
}

typedef struct {
  GDBusConnection *connection;
  GError *error;
  gboolean done;
} ConnectData;

static void
connect_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ConnectData *data = user_data;
  data->connection = g_dbus_connection_new_for_address_finish (result, &data->error);
  data->done = TRUE;
}

static gboolean
connect_timeout (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

/*
 * a connection of our own to the system bus, made under a deadline on a
 * private main context so no other thread's loop is involved
 */
static GDBusConnection *
system_bus_connect (GError **error)
{
  g_autoptr (GMainContext) context = g_main_context_new ();
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GSource) timeout = g_timeout_source_new (BUS_TIMEOUT_MS);
  g_autofree gchar *address = NULL;
  ConnectData data = { 0 };

  address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SYSTEM, NULL, error);
  if (address == NULL)
    return NULL;

  g_main_context_push_thread_default (context);
  g_source_set_callback (timeout, connect_timeout, cancellable, NULL);
  g_source_attach (timeout, context);
  g_dbus_connection_new_for_address (address,
                                     G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                       | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                     NULL, cancellable, connect_done, &data);
  while (!data.done)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (timeout);
  g_main_context_pop_thread_default (context);

  if (data.connection == NULL)
    {
      g_propagate_error (error, data.error);
      return NULL;
    }
  g_dbus_connection_set_exit_on_close (data.connection, FALSE);
  return data.connection;
}

static GVariant *
list_units (GError **error)
{
  g_autoptr (GDBusConnection) connection = system_bus_connect (error);
  GVariant *reply;

  if (connection == NULL)
    return NULL;
  reply = g_dbus_connection_call_sync (connection, "org.freedesktop.systemd1",
                                       "/org/freedesktop/systemd1",
                                       "org.freedesktop.systemd1.Manager", "ListUnits", NULL,
                                       G_VARIANT_TYPE ("(a(ssssssouso))"),
                                       G_DBUS_CALL_FLAGS_NO_AUTO_START, BUS_TIMEOUT_MS, NULL,
                                       error);
  g_dbus_connection_close_sync (connection, NULL, NULL);
  return reply;
}

static GPtrArray *
collect_units (PoInventory *inventory, PoUnitsBus bus, PoUnitFields fields, GPtrArray *warnings)
{
  PoRoot *root = po_inventory_get_root (inventory);
  g_autoptr (GPtrArray) units = g_ptr_array_new_with_free_func ((GDestroyNotify) po_unit_free);
  gboolean ask = FALSE;

  po_inventory_count (inventory, "collector.systemd");
  collect_unit_files (root, (fields & PO_UNIT_READ_CONTENTS) != 0, units, warnings);

  if (bus == PO_UNITS_BUS_ALWAYS)
    ask = TRUE;
  else if (bus == PO_UNITS_BUS_AUTO && po_root_is_host (root))
    {
      /* sd_booted(): systemd is the init system if this directory exists */
      struct stat st;
      ask = po_root_lstat (root, "/run/systemd/system", &st, NULL) && S_ISDIR (st.st_mode);
    }
  if (ask)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GVariant) reply = list_units (&error);
      if (reply != NULL)
        po_inventory_units_merge_list_units (units, reply);
      else
        po_inventory_warn (warnings, "systemd", NULL, FALSE,
                           "cannot ask systemd for unit states, reporting unit files only: %s",
                           error->message);
    }
  return g_steal_pointer (&units);
}

GPtrArray *
po_inventory_collect_units_full (PoInventory *inventory, PoUnitsBus bus, GPtrArray *warnings)
{
  return collect_units (inventory, bus, PO_UNIT_READ_CONTENTS, warnings);
}

GPtrArray *
po_inventory_collect_units (PoInventory *inventory, GPtrArray *warnings)
{
  return collect_units (inventory, PO_UNITS_BUS_AUTO, PO_UNIT_READ_CONTENTS, warnings);
}

GPtrArray *
po_inventory_collect_units_fields (PoInventory *inventory, PoUnitFields fields, GPtrArray *warnings)
{
  return collect_units (inventory, PO_UNITS_BUS_AUTO, fields, warnings);
}
