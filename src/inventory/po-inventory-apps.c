/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Snap and Flatpak applications, from what their managers leave on disk:
 *
 *  snap:    /snap/<name>/current -> <revision>, with meta/snap.yaml
 *           (/var/lib/snapd/snap on distributions without /snap), or
 *           /var/lib/snapd/snaps/<name>_<revision>.snap when that revision
 *           is not mounted (an offline image).  The "current" link is what
 *           makes a snap installed: snapd removes it to disable a snap and
 *           keeps older revisions (mounted, and their .snap files) beside
 *           the current one, so neither of those is a snap on its own
 *  flatpak: /var/lib/flatpak/app/<id>/current -> <arch>/<branch>, whose
 *           active/metadata names the application and whose AppStream
 *           metainfo gives the version (the system installation only)
 */
#include "po-inventory-private.h"

#include <dirent.h>
#include <string.h>

#define MAX_APPS      10000
#define MAX_SNAP_YAML (1024u * 1024)
#define MAX_METADATA  (1024u * 1024)
#define MAX_METAINFO  (4u * 1024 * 1024)

static const gchar *const snap_mount_dirs[] = { "/snap", "/var/lib/snapd/snap" };
#define SNAP_BLOBS   "/var/lib/snapd/snaps"
#define FLATPAK_APPS "/var/lib/flatpak/app"

static gboolean
is_snap_name (const gchar *name)
{
  gsize len = strlen (name);
  if (len == 0 || len > 64 || name[0] == '-' || name[len - 1] == '-')
    return FALSE;
  for (const gchar *p = name; *p != '\0'; p++)
    if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '-'))
      return FALSE;
  return TRUE;
}

static gboolean
is_revision (const gchar *revision)
{
  /* "1234", or "x1" for a locally installed (dangerous) snap */
  const gchar *p = revision[0] == 'x' ? revision + 1 : revision;
  if (*p == '\0' || strlen (p) > 20)
    return FALSE;
  for (; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

/* a top-level "key: value" of snap.yaml, unquoted; NULL if absent */
static gchar *
yaml_top_value (const gchar *contents, const gchar *key)
{
  g_auto (GStrv) lines = g_strsplit (contents, "\n", -1);
  gsize key_len = strlen (key);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      gchar *value;
      gsize len;
      if (strncmp (lines[i], key, key_len) != 0 || lines[i][key_len] != ':')
        continue;
      value = g_strstrip (lines[i] + key_len + 1);
      len = strlen (value);
      if (len >= 2 && (value[0] == '\'' || value[0] == '"') && value[len - 1] == value[0])
        {
          value[len - 1] = '\0';
          value++;
        }
      if (value[0] == '[')
        {
          /* architectures: [amd64, arm64] */
          g_auto (GStrv) items = g_strsplit_set (value + 1, ",]", 2);
          return items[0] != NULL && *g_strstrip (items[0]) != '\0'
                   ? po_inventory_sanitize (items[0], -1)
                   : NULL;
        }
      if (value[0] == '\0' && g_strcmp0 (key, "architectures") == 0)
        {
          /* architectures:\n  - amd64 */
          if (lines[i + 1] != NULL)
            {
              gchar *item = g_strstrip (lines[i + 1]);
              if (item[0] == '-')
                return po_inventory_sanitize (g_strstrip (item + 1), -1);
            }
          return NULL;
        }
      return value[0] != '\0' ? po_inventory_sanitize (value, -1) : NULL;
    }
  return NULL;
}

static PoPackage *
snap_new (const gchar *name, const gchar *revision, gchar *path)
{
  PoPackage *package = g_new0 (PoPackage, 1);

  package->kind = PO_PACKAGE_KIND_SNAP;
  /* the directory is the instance name ("foo_beta" for a parallel install) */
  package->name = g_strdup (name);
  package->status = g_strdup ("installed");
  package->installed = TRUE;
  package->path = path;
  package->branch = g_strdup (revision);
  return package;
}

/* the current revision's .snap file, for a revision that is not mounted */
static PoPackage *
read_unmounted_snap (PoRoot *root, const gchar *name, const gchar *revision)
{
  g_autofree gchar *blob = g_strdup_printf (SNAP_BLOBS "/%s_%s.snap", name, revision);
  struct stat st;

  if (!po_root_lstat (root, blob, &st, NULL) || !S_ISREG (st.st_mode))
    return NULL;
  return snap_new (name, revision, g_steal_pointer (&blob));
}

static PoPackage *
read_snap (PoRoot *root, const gchar *mount_dir, const gchar *name, GPtrArray *warnings)
{
  g_autofree gchar *current = g_build_filename (mount_dir, name, "current", NULL);
  g_autofree gchar *revision = NULL;
  g_autofree gchar *yaml_path = NULL;
  g_autofree gchar *contents = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *yaml_name = NULL;
  PoPackage *package;

  if (!po_root_readlink (root, current, &revision, &error))
    {
      /* no link: a disabled snap, or /snap/bin, /snap/README */
      if (!po_inventory_error_is_missing (error)
          && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT))
        po_inventory_warn (warnings, "snap", current, FALSE, "%s", error->message);
      return NULL;
    }
  if (!is_revision (revision))
    {
      po_inventory_warn (warnings, "snap", current, FALSE, "does not point to a revision");
      return NULL;
    }
  yaml_path = g_build_filename (mount_dir, name, revision, "meta", "snap.yaml", NULL);
  if (!po_root_read_file (root, yaml_path, MAX_SNAP_YAML, &contents, NULL, &error))
    {
      if (po_inventory_error_is_missing (error))
        {
          package = read_unmounted_snap (root, name, revision);
          if (package != NULL)
            return package;
        }
      po_inventory_warn (warnings, "snap", yaml_path, FALSE, "%s", error->message);
      return NULL;
    }
  yaml_name = yaml_top_value (contents, "name");
  if (yaml_name == NULL)
    {
      po_inventory_warn (warnings, "snap", yaml_path, FALSE, "no name");
      return NULL;
    }
  package = snap_new (name, revision, g_build_filename (mount_dir, name, revision, NULL));
  package->version = yaml_top_value (contents, "version");
  package->architecture = yaml_top_value (contents, "architectures");
  return package;
}

static gint
compare_packages (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(PoPackage *const *) a)->name, (*(PoPackage *const *) b)->name);
}

GPtrArray *
po_inventory_collect_snap (PoInventory *inventory, GPtrArray *warnings)
{
  PoRoot *root = po_inventory_get_root (inventory);
  g_autoptr (GPtrArray) packages = g_ptr_array_new_with_free_func (
    (GDestroyNotify) po_package_free);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gboolean any_source = FALSE;

  po_inventory_count (inventory, "collector.snap");
  for (gsize m = 0; m < G_N_ELEMENTS (snap_mount_dirs); m++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (DIR) dir = po_root_opendir (root, snap_mount_dirs[m], &error);
      struct dirent *entry;
      guint n = 0;

      if (dir == NULL)
        {
          if (!po_inventory_error_is_missing (error))
            po_inventory_warn (warnings, "snap", snap_mount_dirs[m], FALSE, "%s", error->message);
          continue;
        }
      any_source = TRUE;
      while ((entry = readdir (dir)) != NULL && ++n <= MAX_APPS)
        {
          PoPackage *package;
          /* parallel installs are "name_key" */
          g_autofree gchar *base = g_strdup (entry->d_name);
          gchar *underscore = strchr (base, '_');
          if (underscore != NULL)
            *underscore = '\0';
          if (!is_snap_name (base) || g_strcmp0 (entry->d_name, "bin") == 0
              || g_hash_table_contains (seen, entry->d_name))
            continue;
          package = read_snap (root, snap_mount_dirs[m], entry->d_name, warnings);
          if (package == NULL)
            continue;
          g_hash_table_add (seen, g_strdup (entry->d_name));
          g_ptr_array_add (packages, package);
        }
    }
  {
    struct stat st;
    if (po_root_lstat (root, SNAP_BLOBS, &st, NULL))
      any_source = TRUE;
  }
  if (!any_source)
    po_inventory_warn (warnings, "snap", "/snap", TRUE, "snapd is not installed");
  g_ptr_array_sort (packages, compare_packages);
  return g_steal_pointer (&packages);
}

/* flatpak ids are reverse-DNS: at least three elements of [A-Za-z0-9_-] */
static gboolean
is_flatpak_id (const gchar *id)
{
  guint dots = 0;
  if (strlen (id) > 255 || !g_ascii_isalpha (id[0]))
    return FALSE;
  for (const gchar *p = id; *p != '\0'; p++)
    {
      if (*p == '.')
        {
          dots++;
          if (p[1] == '.' || p[1] == '\0')
            return FALSE;
        }
      else if (!(g_ascii_isalnum (*p) || *p == '_' || *p == '-'))
        return FALSE;
    }
  return dots >= 2;
}

/* the newest <release version="..."> of an AppStream metainfo file */
static gchar *
metainfo_version (const gchar *contents)
{
  const gchar *release = strstr (contents, "<release ");
  const gchar *end;
  const gchar *version;
  const gchar *quote_end;

  if (release == NULL)
    return NULL;
  end = strchr (release, '>');
  version = strstr (release, "version=");
  if (version == NULL || (end != NULL && version > end))
    return NULL;
  version += strlen ("version=");
  if (*version != '"' && *version != '\'')
    return NULL;
  quote_end = strchr (version + 1, *version);
  if (quote_end == NULL || quote_end - version > 128)
    return NULL;
  return po_inventory_sanitize (version + 1, quote_end - version - 1);
}

static PoPackage *
read_flatpak (PoRoot *root, const gchar *id, GPtrArray *warnings)
{
  g_autofree gchar *app_dir = g_build_filename (FLATPAK_APPS, id, NULL);
  g_autofree gchar *current = g_build_filename (app_dir, "current", NULL);
  g_autofree gchar *target = NULL;
  g_autofree gchar *metadata_path = NULL;
  g_autofree gchar *metadata = NULL;
  g_autofree gchar *metainfo_path = NULL;
  g_autofree gchar *metainfo = NULL;
  g_autofree gchar *name = NULL;
  g_auto (GStrv) parts = NULL;
  g_autoptr (GKeyFile) keyfile = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (PoPackage) package = NULL;

  if (!po_root_readlink (root, current, &target, &error))
    {
      if (!po_inventory_error_is_missing (error))
        po_inventory_warn (warnings, "flatpak", current, FALSE, "%s", error->message);
      return NULL;
    }
  parts = g_strsplit (target, "/", -1);
  if (g_strv_length (parts) != 2 || parts[0][0] == '\0' || parts[1][0] == '\0'
      || strcmp (parts[0], "..") == 0 || strcmp (parts[1], "..") == 0 || strcmp (parts[0], ".") == 0
      || strcmp (parts[1], ".") == 0)
    {
      po_inventory_warn (warnings, "flatpak", current, FALSE, "does not point to arch/branch");
      return NULL;
    }
  metadata_path = g_build_filename (app_dir, parts[0], parts[1], "active", "metadata", NULL);
  if (!po_root_read_file (root, metadata_path, MAX_METADATA, &metadata, NULL, &error)
      || !g_key_file_load_from_data (keyfile, metadata, (gsize) -1, G_KEY_FILE_NONE, &error))
    {
      po_inventory_warn (warnings, "flatpak", metadata_path, FALSE, "%s", error->message);
      return NULL;
    }
  name = g_key_file_get_string (keyfile, "Application", "name", NULL);
  if (name == NULL)
    {
      po_inventory_warn (warnings, "flatpak", metadata_path, FALSE, "no [Application] name");
      return NULL;
    }
  package = g_new0 (PoPackage, 1);
  package->kind = PO_PACKAGE_KIND_FLATPAK;
  package->name = po_inventory_sanitize (name, -1);
  package->architecture = po_inventory_sanitize (parts[0], -1);
  package->branch = po_inventory_sanitize (parts[1], -1);
  package->status = g_strdup ("installed");
  package->installed = TRUE;
  package->path = g_build_filename (app_dir, parts[0], parts[1], NULL);

  metainfo_path = g_strdup_printf ("%s/%s/%s/active/files/share/metainfo/%s.metainfo.xml", app_dir,
                                   parts[0], parts[1], id);
  if (po_root_read_file (root, metainfo_path, MAX_METAINFO, &metainfo, NULL, NULL))
    package->version = metainfo_version (metainfo);
  else
    {
      g_free (metainfo_path);
      metainfo_path = g_strdup_printf ("%s/%s/%s/active/files/share/appdata/%s.appdata.xml",
                                       app_dir, parts[0], parts[1], id);
      if (po_root_read_file (root, metainfo_path, MAX_METAINFO, &metainfo, NULL, NULL))
        package->version = metainfo_version (metainfo);
    }
  return g_steal_pointer (&package);
}

GPtrArray *
po_inventory_collect_flatpak (PoInventory *inventory, GPtrArray *warnings)
{
  PoRoot *root = po_inventory_get_root (inventory);
  g_autoptr (GPtrArray) packages = g_ptr_array_new_with_free_func (
    (GDestroyNotify) po_package_free);
  g_autoptr (GError) error = NULL;
  g_autoptr (DIR) dir = NULL;
  struct dirent *entry;
  guint n = 0;

  po_inventory_count (inventory, "collector.flatpak");
  dir = po_root_opendir (root, FLATPAK_APPS, &error);
  if (dir == NULL)
    {
      po_inventory_warn (warnings, "flatpak", FLATPAK_APPS, po_inventory_error_is_missing (error),
                         "%s", error->message);
      return g_steal_pointer (&packages);
    }
  while ((entry = readdir (dir)) != NULL)
    {
      PoPackage *package;
      if (++n > MAX_APPS)
        {
          po_inventory_warn (warnings, "flatpak", FLATPAK_APPS, FALSE,
                             "more than %u entries; the rest are ignored", MAX_APPS);
          break;
        }
      if (!is_flatpak_id (entry->d_name))
        continue;
      package = read_flatpak (root, entry->d_name, warnings);
      if (package != NULL)
        g_ptr_array_add (packages, package);
    }
  g_ptr_array_sort (packages, compare_packages);
  return g_steal_pointer (&packages);
}
