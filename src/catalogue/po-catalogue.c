/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PoCatalogue: the built-in data and the administrator's policy files put
 * together, with the rules that make a fleet's policy predictable:
 *
 *  - a later definition of an id replaces an earlier one (built-in, then
 *    each --policy-dir in order, each directory's *.json in byte order);
 *  - a file is all or nothing: one problem and none of it is used;
 *  - a file that loaded before and is bad now keeps its previous version,
 *    so a half-saved edit never switches a policy off;
 *  - as root, files and directories not owned by root or writable by group
 *    or others are refused, as osquery refuses such extensions.
 *
 * Policy files are phaseout's own configuration, like --config, not host
 * data: they are read at their real paths with plain system calls, not
 * through PoRoot (--root points at the host being inspected, which in
 * tests is a fixture tree that has no say over policy).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "po-catalogue-private.h"
#include "po-error.h"

typedef struct {
  gchar *name; /* path, or "builtin:policies/x.json" */
  gchar *path; /* NULL for built-in files */
  PoFileIdentity identity;
  PoCatalogueContent *content; /* in use, NULL when nothing is */
  gboolean kept_previous;      /* content is a previous version */
} FileRecord;

typedef struct {
  gchar *path;
  PoFileIdentity identity;
  GStrv names; /* the *.json names listed, sorted */
} DirRecord;

/* ---- records ---- */

static void
file_record_free (FileRecord *record)
{
  g_free (record->name);
  g_free (record->path);
  po_catalogue_content_free (record->content);
  g_free (record);
}

static void
dir_record_free (DirRecord *record)
{
  g_free (record->path);
  g_strfreev (record->names);
  g_free (record);
}

static void
problem_free (PoCatalogueProblem *problem)
{
  g_free (problem->file);
  g_free (problem->message);
  g_free (problem);
}

static PoCatalogueContent *
content_ref (PoCatalogueContent *content)
{
  PoCatalogueContent *copy = po_catalogue_content_new ();

  for (guint i = 0; i < content->vendors->len; i++)
    g_ptr_array_add (copy->vendors, po_vendor_ref (g_ptr_array_index (content->vendors, i)));
  for (guint i = 0; i < content->policies->len; i++)
    g_ptr_array_add (copy->policies, po_policy_ref (g_ptr_array_index (content->policies, i)));
  return copy;
}

/* ---- loading ---- */

typedef struct {
  const PoCatalogueOptions *options;
  PoCatalogue *previous;
  PoCatalogue *catalogue;
} Loader;

static void
add_problem (PoCatalogue *catalogue, const gchar *file, const gchar *message,
             gboolean kept_previous)
{
  PoCatalogueProblem *problem = g_new0 (PoCatalogueProblem, 1);

  problem->file = g_strdup (file);
  problem->message = g_strdup (message);
  problem->kept_previous = kept_previous;
  if (catalogue->options->log_problems)
    g_warning ("%s", message);
  g_ptr_array_add (catalogue->problems, problem);
}

static const gchar *
content_sha256 (PoCatalogueContent *content)
{
  if (content->policies->len > 0)
    return ((PoPolicy *) g_ptr_array_index (content->policies, 0))->sha256;
  if (content->vendors->len > 0)
    return ((PoVendor *) g_ptr_array_index (content->vendors, 0))->sha256;
  return "";
}

static FileRecord *
find_file (PoCatalogue *catalogue, const gchar *name)
{
  if (catalogue == NULL)
    return NULL;
  for (guint i = 0; i < catalogue->files->len; i++)
    {
      FileRecord *record = g_ptr_array_index (catalogue->files, i);
      if (g_str_equal (record->name, name))
        return record;
    }
  return NULL;
}

/*
 * The file cannot be used as it is now: fall back to the version the
 * previous catalogue used, if there was one (and it is not that version
 * that just failed), else use nothing from it.
 */
static void
fall_back (Loader *loader, FileRecord *record, const gchar *message)
{
  FileRecord *old = find_file (loader->previous, record->name);
  gboolean retry = !record->kept_previous && old != NULL && old->content != NULL;

  g_clear_pointer (&record->content, po_catalogue_content_free);
  record->kept_previous = FALSE;
  if (retry)
    {
      g_autofree gchar *text = g_strdup_printf (
        "%s\n%s: keeping the version loaded before (sha256 %s)", message, record->name,
        content_sha256 (old->content));
      record->content = content_ref (old->content);
      record->kept_previous = TRUE;
      add_problem (loader->catalogue, record->name, text, TRUE);
      return;
    }
  add_problem (loader->catalogue, record->name, message, FALSE);
}

static gchar *
join_errors (GPtrArray *errors)
{
  g_ptr_array_add (errors, NULL);
  return g_strjoinv ("\n", (gchar **) errors->pdata);
}

static FileRecord *
load_bytes (Loader *loader, FileRecord *record, const gchar *origin, GBytes *bytes)
{
  g_autoptr (GPtrArray) errors = g_ptr_array_new_with_free_func (g_free);

  record->content = po_catalogue_parse (record->name, origin, bytes, errors);
  if (record->content == NULL)
    {
      g_autofree gchar *message = join_errors (errors);
      fall_back (loader, record, message);
    }
  g_ptr_array_add (loader->catalogue->files, record);
  return record;
}

static void
load_file (Loader *loader, const gchar *path)
{
  FileRecord *record = g_new0 (FileRecord, 1);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;

  record->name = g_strdup (path);
  record->path = g_strdup (path);
  if (!po_catalogue_read_policy_file (loader->options, path, &bytes, &record->identity, &error))
    {
      fall_back (loader, record, error->message);
      g_ptr_array_add (loader->catalogue->files, record);
      return;
    }
  load_bytes (loader, record, path, bytes);
}

/*
 * The built-in data.  Registered by hand, once, rather than by the
 * generated constructor: the resource lives in a static library, and an
 * explicit call is what makes sure it is linked and initialised.
 */
static GResource *
builtin_resource (void)
{
  static gsize registered = 0;

  if (g_once_init_enter (&registered))
    {
      po_catalogue_data_register_resource ();
      g_once_init_leave (&registered, 1);
    }
  return po_catalogue_data_get_resource ();
}

static void
load_builtin (Loader *loader)
{
  static const gchar *const folders[] = { "vendors", "policies" };
  GResource *resource = builtin_resource ();

  for (guint f = 0; f < G_N_ELEMENTS (folders); f++)
    {
      g_autofree gchar *folder = g_strdup_printf (PO_CATALOGUE_RESOURCE_PREFIX "/%s/", folders[f]);
      g_auto (GStrv) children = g_resource_enumerate_children (resource, folder,
                                                               G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
      if (children == NULL)
        continue;
      qsort (children, g_strv_length (children), sizeof (gchar *), po_catalogue_compare_names);
      for (guint i = 0; children[i] != NULL; i++)
        {
          g_autofree gchar *path = g_strconcat (folder, children[i], NULL);
          g_autoptr (GBytes) bytes = NULL;
          g_autoptr (GError) error = NULL;
          FileRecord *record;

          if (!g_str_has_suffix (children[i], ".json"))
            continue;
          record = g_new0 (FileRecord, 1);
          record->name = g_strdup_printf ("builtin:%s/%s", folders[f], children[i]);
          bytes = g_resource_lookup_data (resource, path, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
          if (bytes == NULL)
            {
              add_problem (loader->catalogue, record->name, error->message, FALSE);
              g_ptr_array_add (loader->catalogue->files, record);
              continue;
            }
          load_bytes (loader, record, "builtin", bytes);
        }
    }
}

/* a refused or unreadable directory: its files keep the versions loaded before */
static void
keep_previous_files_of (Loader *loader, const gchar *directory, const gchar *why)
{
  if (loader->previous == NULL)
    return;
  for (guint i = 0; i < loader->previous->files->len; i++)
    {
      FileRecord *old = g_ptr_array_index (loader->previous->files, i);
      g_autofree gchar *parent = NULL;
      g_autofree gchar *message = NULL;
      FileRecord *record;

      if (old->path == NULL || old->content == NULL)
        continue;
      parent = g_path_get_dirname (old->path);
      if (!g_str_equal (parent, directory))
        continue;
      record = g_new0 (FileRecord, 1);
      record->name = g_strdup (old->name);
      record->path = g_strdup (old->path);
      po_file_identity_of_path (&record->identity, old->path);
      record->content = content_ref (old->content);
      record->kept_previous = TRUE;
      message = g_strdup_printf ("%s: not read (%s): keeping the version loaded before "
                                 "(sha256 %s)",
                                 old->name, why, content_sha256 (old->content));
      add_problem (loader->catalogue, old->name, message, TRUE);
      g_ptr_array_add (loader->catalogue->files, record);
    }
}

static void
load_dir (Loader *loader, const DirOption *option)
{
  DirRecord *dir = g_new0 (DirRecord, 1);
  g_autoptr (GError) error = NULL;
  struct stat st;

  dir->path = g_strdup (option->path);
  dir->names = g_new0 (gchar *, 1);
  g_ptr_array_add (loader->catalogue->dirs, dir);

  if (stat (option->path, &st) != 0)
    {
      int saved = errno;
      po_file_identity_of_path (&dir->identity, option->path);
      if (saved != ENOENT || option->must_exist)
        {
          g_autofree gchar *message = g_strdup_printf ("%s: policy directory: %s", option->path,
                                                       g_strerror (saved));
          add_problem (loader->catalogue, option->path, message, FALSE);
        }
      return;
    }
  po_file_identity_from_stat (&dir->identity, &st);
  if (!S_ISDIR (st.st_mode))
    {
      g_autofree gchar *message = g_strdup_printf ("%s: policy directory: not a directory",
                                                   option->path);
      add_problem (loader->catalogue, option->path, message, FALSE);
      return;
    }
  if (!po_catalogue_check_permissions (loader->options, option->path, st.st_uid, st.st_mode,
                                       &error))
    {
      add_problem (loader->catalogue, option->path, error->message, FALSE);
      keep_previous_files_of (loader, option->path, "its directory was refused");
      return;
    }
  g_strfreev (dir->names);
  dir->names = po_catalogue_list_policy_files (option->path, &error);
  if (dir->names == NULL)
    {
      g_autofree gchar *message = g_strdup_printf ("%s: policy directory: %s", option->path,
                                                   error->message);
      dir->names = g_new0 (gchar *, 1);
      add_problem (loader->catalogue, option->path, message, FALSE);
      keep_previous_files_of (loader, option->path, "its directory could not be read");
      return;
    }
  for (guint i = 0; dir->names[i] != NULL; i++)
    {
      g_autofree gchar *path = g_build_filename (option->path, dir->names[i], NULL);
      load_file (loader, path);
    }
}

/* id -> object over the files in load order: later ones replace earlier ones */
static GHashTable *
effective_vendors (PoCatalogue *catalogue)
{
  GHashTable *vendors = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < catalogue->files->len; i++)
    {
      FileRecord *record = g_ptr_array_index (catalogue->files, i);
      if (record->content == NULL)
        continue;
      for (guint v = 0; v < record->content->vendors->len; v++)
        {
          PoVendor *vendor = g_ptr_array_index (record->content->vendors, v);
          g_hash_table_insert (vendors, vendor->id, vendor);
        }
    }
  return vendors;
}

/*
 * Policies may name vendors from other files; a file whose policies name a
 * vendor nobody defines is rejected like any bad file.  Rejecting a file
 * can remove vendors others rely on, so this repeats until nothing changes
 * (each file only ever steps down: current, previous version, nothing).
 */
static void
check_vendor_references (Loader *loader)
{
  gboolean changed = TRUE;

  while (changed)
    {
      g_autoptr (GHashTable) vendors = effective_vendors (loader->catalogue);

      changed = FALSE;
      for (guint i = 0; i < loader->catalogue->files->len && !changed; i++)
        {
          FileRecord *record = g_ptr_array_index (loader->catalogue->files, i);
          g_autoptr (GPtrArray) errors = g_ptr_array_new_with_free_func (g_free);
          g_autofree gchar *message = NULL;

          if (record->content == NULL
              || po_catalogue_content_check_refs (record->content, record->name, vendors, errors))
            continue;
          message = join_errors (errors);
          fall_back (loader, record, message);
          changed = TRUE;
        }
    }
}

static gint
compare_vendors (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(PoVendor *const *) a)->id, (*(PoVendor *const *) b)->id);
}

static gint
compare_policies (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(PoPolicy *const *) a)->id, (*(PoPolicy *const *) b)->id);
}

static void
assemble (PoCatalogue *catalogue)
{
  GHashTableIter iter;
  gpointer value;

  for (guint i = 0; i < catalogue->files->len; i++)
    {
      FileRecord *record = g_ptr_array_index (catalogue->files, i);
      if (record->content == NULL)
        continue;
      g_ptr_array_add (catalogue->file_names, g_strdup (record->name));
      for (guint v = 0; v < record->content->vendors->len; v++)
        {
          PoVendor *vendor = g_ptr_array_index (record->content->vendors, v);
          PoVendor *replaced = g_hash_table_lookup (catalogue->vendor_by_id, vendor->id);
          if (replaced != NULL)
            g_info ("vendor '%s' from %s replaces the one from %s", vendor->id, record->name,
                    replaced->origin);
          g_hash_table_insert (catalogue->vendor_by_id, vendor->id, vendor);
        }
      for (guint p = 0; p < record->content->policies->len; p++)
        {
          PoPolicy *policy = g_ptr_array_index (record->content->policies, p);
          PoPolicy *replaced = g_hash_table_lookup (catalogue->policy_by_id, policy->id);
          if (replaced != NULL)
            g_info ("policy '%s' from %s replaces the one from %s", policy->id, record->name,
                    replaced->origin);
          g_hash_table_insert (catalogue->policy_by_id, policy->id, policy);
        }
    }

  g_hash_table_iter_init (&iter, catalogue->vendor_by_id);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (catalogue->vendors, po_vendor_ref (value));
  g_ptr_array_sort (catalogue->vendors, compare_vendors);
  g_hash_table_iter_init (&iter, catalogue->policy_by_id);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (catalogue->policies, po_policy_ref (value));
  g_ptr_array_sort (catalogue->policies, compare_policies);

  for (guint v = 0; v < catalogue->vendors->len; v++)
    {
      PoVendor *vendor = g_ptr_array_index (catalogue->vendors, v);
      for (guint i = 0; i < vendor->indicators->len; i++)
        po_matcher_add (catalogue->matcher, g_ptr_array_index (vendor->indicators, i));
      for (guint p = 0; p < vendor->products->len; p++)
        {
          PoProduct *product = g_ptr_array_index (vendor->products, p);
          for (guint i = 0; i < product->indicators->len; i++)
            po_matcher_add (catalogue->matcher, g_ptr_array_index (product->indicators, i));
        }
    }
}

PoCatalogue *
po_catalogue_load (const PoCatalogueOptions *options, PoCatalogue *previous)
{
  PoCatalogue *catalogue;
  Loader loader;

  g_return_val_if_fail (options != NULL, NULL);

  catalogue = g_new0 (PoCatalogue, 1);
  loader = (Loader){ options, previous, catalogue };
  g_atomic_ref_count_init (&catalogue->ref_count);
  catalogue->options = po_catalogue_options_copy (options);
  catalogue->files = g_ptr_array_new_with_free_func ((GDestroyNotify) file_record_free);
  catalogue->dirs = g_ptr_array_new_with_free_func ((GDestroyNotify) dir_record_free);
  catalogue->vendors = g_ptr_array_new_with_free_func ((GDestroyNotify) po_vendor_unref);
  catalogue->vendor_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  catalogue->policies = g_ptr_array_new_with_free_func ((GDestroyNotify) po_policy_unref);
  catalogue->policy_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  catalogue->problems = g_ptr_array_new_with_free_func ((GDestroyNotify) problem_free);
  catalogue->file_names = g_ptr_array_new_with_free_func (g_free);
  catalogue->matcher = po_matcher_new ();

  if (options->builtin)
    load_builtin (&loader);
  for (guint i = 0; i < options->dirs->len; i++)
    load_dir (&loader, g_ptr_array_index (options->dirs, i));
  for (guint i = 0; i < options->files->len; i++)
    load_file (&loader, g_ptr_array_index (options->files, i));
  check_vendor_references (&loader);
  assemble (catalogue);
  return catalogue;
}

PoCatalogue *
po_catalogue_new_builtin (void)
{
  g_autoptr (PoCatalogueOptions) options = po_catalogue_options_new ();
  return po_catalogue_load (options, NULL);
}

PoCatalogue *
po_catalogue_ref (PoCatalogue *catalogue)
{
  g_return_val_if_fail (catalogue != NULL, NULL);
  g_atomic_ref_count_inc (&catalogue->ref_count);
  return catalogue;
}

void
po_catalogue_unref (PoCatalogue *catalogue)
{
  if (catalogue == NULL || !g_atomic_ref_count_dec (&catalogue->ref_count))
    return;
  /* the matcher borrows from the vendors and policies: it goes first */
  po_matcher_free (catalogue->matcher);
  g_hash_table_unref (catalogue->vendor_by_id);
  g_hash_table_unref (catalogue->policy_by_id);
  g_ptr_array_unref (catalogue->vendors);
  g_ptr_array_unref (catalogue->policies);
  g_ptr_array_unref (catalogue->files);
  g_ptr_array_unref (catalogue->dirs);
  g_ptr_array_unref (catalogue->problems);
  g_ptr_array_unref (catalogue->file_names);
  po_catalogue_options_free (catalogue->options);
  g_free (catalogue);
}

gboolean
po_catalogue_is_current (PoCatalogue *catalogue)
{
  for (guint i = 0; i < catalogue->dirs->len; i++)
    {
      DirRecord *dir = g_ptr_array_index (catalogue->dirs, i);
      g_auto (GStrv) names = NULL;
      PoFileIdentity now;

      po_file_identity_of_path (&now, dir->path);
      if (!po_file_identity_equal (&now, &dir->identity))
        return FALSE;
      if (!now.exists || !S_ISDIR (now.mode))
        continue;
      names = po_catalogue_list_policy_files (dir->path, NULL);
      if (names == NULL
          || !g_strv_equal ((const gchar *const *) names, (const gchar *const *) dir->names))
        return FALSE;
    }
  for (guint i = 0; i < catalogue->files->len; i++)
    {
      FileRecord *record = g_ptr_array_index (catalogue->files, i);
      PoFileIdentity now;

      if (record->path == NULL)
        continue;
      po_file_identity_of_path (&now, record->path);
      if (!po_file_identity_equal (&now, &record->identity))
        return FALSE;
    }
  return TRUE;
}

PoCatalogueContent *
po_catalogue_get_file_content (PoCatalogue *catalogue, const gchar *name)
{
  FileRecord *record = find_file (catalogue, name);
  return record != NULL ? record->content : NULL;
}
