/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Kernel modules: the loaded ones (/proc/modules, parsed here, because
 * libkmod's kmod_module_new_from_loaded() reads the host's /proc/modules
 * whatever the root) and the built-in ones (modules.builtin and
 * modules.builtin.modinfo, parsed here: a list of paths and a list of
 * "module.key=value" strings).
 *
 * For a loaded module, libkmod finds its file through the modules.dep.bin
 * index of /lib/modules/<release> beneath the root, and reads its .modinfo
 * and signature (kmod_module_get_info: signer, sig_key, sig_hashalgo come
 * from the PKCS#7 blob, parsed by libkmod with OpenSSL).  libkmod never
 * sees a module file as it is on disk: po-inventory-kmod-file.c
 * decompresses xz and zstd modules itself, bounded, and checks the ELF
 * bytes for what libkmod 30 would abort on.
 *
 * libkmod only takes paths, and would follow a planted link anywhere.  So
 * it is given /proc/self/fd/N paths of descriptors PoRoot opened beneath the
 * root: the modules directory for the index (kmod_new), and each module
 * file (kmod_module_new_from_path).  It is also given an empty list of
 * configuration directories: modprobe.d aliases and blacklists of the host
 * have nothing to say about a fixture, and nothing to add to an inventory.
 *
 * A kmod context is not thread-safe; each collection makes its own.
 */
#include "po-inventory-private.h"

#include <errno.h>
#include <fcntl.h>
#include <libkmod.h>
#include <string.h>
#include <unistd.h>

#define MAX_PROC_MODULES_BYTES (4u * 1024 * 1024)
#define MAX_BUILTIN_BYTES      (4u * 1024 * 1024)
#define MAX_BUILTIN_INFO_BYTES (32u * 1024 * 1024)
#define MAX_MODULE_FILE_BYTES  (256u * 1024 * 1024)
#define MAX_SYSFS_BYTES        4096
#define MAX_MODULES            100000

void
po_kernel_module_free (PoKernelModule *module)
{
  if (module == NULL)
    return;
  g_free (module->name);
  g_free (module->path);
  g_free (module->used_by);
  g_free (module->state);
  g_free (module->taint);
  g_free (module->version);
  g_free (module->srcversion);
  g_free (module->author);
  g_free (module->description);
  g_free (module->license);
  g_free (module->vermagic);
  g_free (module->sig_id);
  g_free (module->signer);
  g_free (module->sig_key);
  g_free (module->sig_hashalgo);
  g_free (module->info_error);
  g_free (module);
}

static gboolean
is_module_name (const gchar *name)
{
  gsize len = strlen (name);
  if (len == 0 || len > 64) /* MODULE_NAME_LEN is 64 with its NUL */
    return FALSE;
  for (const gchar *p = name; *p != '\0'; p++)
    if (!(g_ascii_isalnum (*p) || *p == '_' || *p == '-'))
      return FALSE;
  return TRUE;
}

/* "snd-hda-intel" and "snd_hda_intel" are the same module to the kernel */
static gchar *
normalize_name (const gchar *name, gssize length)
{
  gchar *out = length < 0 ? g_strdup (name) : g_strndup (name, (gsize) length);
  for (gchar *p = out; *p != '\0'; p++)
    if (*p == '-')
      *p = '_';
  return out;
}

/*
 * one /proc/modules line, as the kernel's m_show() prints it:
 *   name size refcount deps state address [(taints)]
 * where refcount is "-" without CONFIG_MODULE_UNLOAD, deps is "-" or
 * "a,b," and taints is e.g. "(POE)"
 */
PoKernelModule *
po_inventory_parse_proc_modules_line (const gchar *line, const gchar **ret_reason)
{
  /* split in place at runs of spaces and tabs: one copy of the line, no
   * array per field (a few hundred lines per query) */
  g_autofree gchar *copy = g_strdup (line);
  gchar *words[7];
  guint n_words = 0;
  g_autoptr (PoKernelModule) module = NULL;
  guint64 size = 0;
  gint64 refcount = -1;

  for (gchar *p = copy; *p != '\0';)
    {
      gchar *start;

      while (*p == ' ' || *p == '\t')
        p++;
      if (*p == '\0')
        break;
      start = p;
      while (*p != '\0' && *p != ' ' && *p != '\t')
        p++;
      if (*p != '\0')
        *p++ = '\0';
      if (n_words < G_N_ELEMENTS (words))
        words[n_words] = start;
      n_words++;
    }
  if (n_words < 5 || n_words > 7)
    {
      *ret_reason = "not six fields";
      return NULL;
    }
  if (!is_module_name (words[0]))
    {
      *ret_reason = "not a module name";
      return NULL;
    }
  if (!g_ascii_string_to_unsigned (words[1], 10, 0, G_MAXUINT64, &size, NULL))
    {
      *ret_reason = "size is not a number";
      return NULL;
    }
  if (g_strcmp0 (words[2], "-") != 0
      && !g_ascii_string_to_signed (words[2], 10, -1, G_MAXINT, &refcount, NULL))
    {
      *ret_reason = "refcount is not a number";
      return NULL;
    }
  {
    const gchar *state = words[4];
    if (g_strcmp0 (state, "Live") != 0 && g_strcmp0 (state, "Loading") != 0
        && g_strcmp0 (state, "Unloading") != 0)
      {
        *ret_reason = "unknown state";
        return NULL;
      }
  }

  module = g_new0 (PoKernelModule, 1);
  module->name = normalize_name (words[0], -1);
  module->loaded = TRUE;
  module->size = size;
  module->refcount = (gint) refcount;
  module->state = g_strdup (words[4]);
  {
    /* "a,b," or "-": the module names, joined with "," */
    gchar *deps = g_strcmp0 (words[3], "-") == 0 ? words[3] + 1 : words[3];
    GString *kept = g_string_sized_new (strlen (deps));
    gchar *user = deps;

    for (;;)
      {
        gchar *comma = strchr (user, ',');
        if (comma != NULL)
          *comma = '\0';
        if (user[0] != '\0' && is_module_name (user))
          {
            if (kept->len > 0)
              g_string_append_c (kept, ',');
            g_string_append (kept, user);
          }
        if (comma == NULL)
          break;
        user = comma + 1;
      }
    module->used_by = g_string_free (kept, FALSE);
  }
  module->taint = g_strdup ("");
  if (n_words >= 7)
    {
      const gchar *taint = words[6];
      gsize len = strlen (taint);
      if (len < 2 || taint[0] != '(' || taint[len - 1] != ')')
        {
          *ret_reason = "taint flags are not \"(...)\"";
          return NULL;
        }
      for (gsize i = 1; i + 1 < len; i++)
        if (!g_ascii_isupper (taint[i]))
          {
            *ret_reason = "taint flags are not letters";
            return NULL;
          }
      g_free (module->taint);
      module->taint = g_strndup (taint + 1, len - 2);
    }
  return g_steal_pointer (&module);
}

static GPtrArray *
read_loaded (PoRoot *root, GPtrArray *warnings)
{
  g_autoptr (GPtrArray) modules = g_ptr_array_new_with_free_func (
    (GDestroyNotify) po_kernel_module_free);
  g_autoptr (GError) error = NULL;
  g_autofree gchar *contents = NULL;
  g_auto (GStrv) lines = NULL;
  gsize length = 0;
  guint n_bad = 0;
  g_autofree gchar *first_bad = NULL;

  if (!po_root_read_file (root, "/proc/modules", MAX_PROC_MODULES_BYTES, &contents, &length,
                          &error))
    {
      po_inventory_warn (warnings, "kmod", "/proc/modules", po_inventory_error_is_missing (error),
                         "%s", error->message);
      return g_steal_pointer (&modules);
    }
  if (memchr (contents, '\0', length) != NULL)
    {
      po_inventory_warn (warnings, "kmod", "/proc/modules", FALSE, "binary data");
      return g_steal_pointer (&modules);
    }
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL && modules->len < MAX_MODULES; i++)
    {
      const gchar *reason = NULL;
      PoKernelModule *module;
      if (lines[i][0] == '\0')
        continue;
      /* a last line without its newline was cut short */
      if (lines[i + 1] == NULL)
        reason = "truncated line";
      module = reason == NULL ? po_inventory_parse_proc_modules_line (lines[i], &reason) : NULL;
      if (module == NULL)
        {
          if (n_bad++ == 0)
            first_bad = g_strdup_printf ("line %u: %s", i + 1, reason);
          continue;
        }
      g_ptr_array_add (modules, module);
    }
  if (n_bad > 0)
    po_inventory_warn (warnings, "kmod", "/proc/modules", FALSE,
                       "skipped %u malformed line%s; first: %s", n_bad, n_bad == 1 ? "" : "s",
                       first_bad);
  return g_steal_pointer (&modules);
}

/* appends value to a ", "-joined list (author= may be given many times) */
static void
append_value (gchar **slot, const gchar *value, gssize length)
{
  g_autofree gchar *clean = po_inventory_sanitize (value, length);
  if (*slot == NULL)
    *slot = g_steal_pointer (&clean);
  else
    {
      gchar *joined = g_strconcat (*slot, ", ", clean, NULL);
      g_free (*slot);
      *slot = joined;
    }
}

static void
info_set (PoModuleInfo *info, const gchar *key, const gchar *value, gssize length)
{
  gchar **slot = NULL;

  if (length < 0)
    length = (gssize) strlen (value);
  if (strcmp (key, "author") == 0)
    {
      append_value (&info->author, value, length);
      return;
    }
  if (strcmp (key, "intree") == 0)
    {
      info->in_tree = length >= 1 && value[0] == 'Y';
      return;
    }
  if (strcmp (key, "version") == 0)
    slot = &info->version;
  else if (strcmp (key, "srcversion") == 0)
    slot = &info->srcversion;
  else if (strcmp (key, "description") == 0)
    slot = &info->description;
  else if (strcmp (key, "license") == 0)
    slot = &info->license;
  else if (strcmp (key, "vermagic") == 0)
    slot = &info->vermagic;
  else if (strcmp (key, "sig_id") == 0)
    slot = &info->sig_id;
  else if (strcmp (key, "signer") == 0)
    slot = &info->signer;
  else if (strcmp (key, "sig_key") == 0)
    slot = &info->sig_key;
  else if (strcmp (key, "sig_hashalgo") == 0)
    slot = &info->sig_hashalgo;
  if (slot == NULL || *slot != NULL)
    return;
  *slot = po_inventory_sanitize (value, length);
}

static void
kmod_log_to_glib (void *data, int priority, const char *file, int line, const char *fn,
                  const char *format, va_list args)
{
  g_autofree gchar *message = g_strdup_vprintf (format, args);
  g_debug ("libkmod: %s", g_strchomp (message));
}

typedef struct {
  PoInventory *inventory;
  PoRoot *root;
  PoModuleCache *cache;
  GPtrArray *warnings;
  gchar *modules_dir;    /* "/lib/modules/<release>" (host path) */
  int modules_fd;        /* O_PATH descriptor of it, or -1 */
  gchar *modules_fd_dir; /* "/proc/self/fd/N" */
  struct kmod_ctx *ctx;  /* made when first needed */
  gboolean ctx_tried;
  gboolean have_index; /* index: what modules.dep.bin is, for the cache */
  struct stat index;
  GHashTable *dirs; /* host directory -> its descriptor + 1 (0: none) */
} Collection;

static void
close_dir (gpointer fd_plus_one)
{
  if (GPOINTER_TO_INT (fd_plus_one) > 0)
    close (GPOINTER_TO_INT (fd_plus_one) - 1);
}

static void
collection_clear (Collection *c)
{
  g_clear_pointer (&c->dirs, g_hash_table_unref);
  if (c->ctx != NULL)
    kmod_unref (c->ctx);
  if (c->modules_fd >= 0)
    close (c->modules_fd);
  g_free (c->modules_dir);
  g_free (c->modules_fd_dir);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Collection, collection_clear)

/* the libkmod context, made on first use (a warm collection needs none) */
static gboolean
collection_ctx (Collection *c)
{
  const char *no_config[] = { NULL };

  if (c->ctx_tried)
    return c->ctx != NULL;
  c->ctx_tried = TRUE;
  if (c->modules_fd_dir == NULL)
    return FALSE;
  c->ctx = kmod_new (c->modules_fd_dir, no_config);
  if (c->ctx == NULL)
    {
      po_inventory_warn (c->warnings, "kmod", c->modules_dir, FALSE, "libkmod: out of memory");
      return FALSE;
    }
  kmod_set_log_fn (c->ctx, kmod_log_to_glib, NULL);
  /* map the indexes once: without this libkmod opens and reads
   * modules.dep.bin again for every module it looks up.  Any index missing
   * (a partial tree) and it falls back to that, which still works. */
  if (kmod_load_resources (c->ctx) < 0)
    g_debug ("libkmod: cannot map the module indexes of %s; looking up by reading them",
             c->modules_dir);
  return TRUE;
}

/* an O_PATH descriptor of the directory holding host_path, or -1 */
static int
directory_fd (Collection *c, const gchar *host_path)
{
  const gchar *slash = strrchr (host_path, '/');
  g_autofree gchar *dir = NULL;
  gchar key[512];
  gpointer known;
  int fd;

  if (c->dirs == NULL)
    c->dirs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, close_dir);
  /* the usual case looks the directory up without allocating */
  if (slash != NULL && slash > host_path && (gsize) (slash - host_path) < sizeof key)
    {
      memcpy (key, host_path, (gsize) (slash - host_path));
      key[slash - host_path] = '\0';
      if (g_hash_table_lookup_extended (c->dirs, key, NULL, &known))
        return GPOINTER_TO_INT (known) - 1;
    }
  dir = g_path_get_dirname (host_path);
  if (g_hash_table_lookup_extended (c->dirs, dir, NULL, &known))
    return GPOINTER_TO_INT (known) - 1;
  if (c->modules_fd >= 0 && g_str_has_prefix (dir, c->modules_dir)
      && dir[strlen (c->modules_dir)] == '/')
    fd = po_root_open_at (c->root, c->modules_fd, c->modules_dir, dir + strlen (c->modules_dir) + 1,
                          O_PATH | O_DIRECTORY, NULL);
  else if (g_strcmp0 (dir, c->modules_dir) == 0 && c->modules_fd >= 0)
    fd = dup (c->modules_fd);
  else
    fd = po_root_open_directory (c->root, dir, NULL);
  g_hash_table_insert (c->dirs, g_steal_pointer (&dir), GINT_TO_POINTER (MAX (fd, -1) + 1));
  return fd;
}

/*
 * reads one module file's .modinfo and signature with libkmod, through
 * the cache; NULL and *ret_error when it cannot be read
 */
static PoModuleInfo *
module_file_info (Collection *c, const gchar *host_path, gchar **ret_error)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PoModuleInfo) info = NULL;
  g_autofree gchar *fd_path = NULL;
  struct kmod_module *mod = NULL;
  struct kmod_list *list = NULL;
  struct kmod_list *item;
  struct stat st;
  int dirfd;
  int fd;
  int plain;
  int rc;

  /* a cached entry needs only the file's identity: one fstatat in its
   * directory (resolved beneath the root once per collection); a link, or
   * anything unusual, takes the way below */
  dirfd = directory_fd (c, host_path);
  if (dirfd >= 0 && fstatat (dirfd, strrchr (host_path, '/') + 1, &st, AT_SYMLINK_NOFOLLOW) == 0
      && S_ISREG (st.st_mode) && (guint64) st.st_size <= MAX_MODULE_FILE_BYTES)
    {
      info = po_module_cache_lookup (c->cache, host_path, &st);
      if (info != NULL)
        return g_steal_pointer (&info);
    }

  /* beneath the modules directory, already resolved, when the file is there */
  if (c->modules_fd >= 0 && g_str_has_prefix (host_path, c->modules_dir)
      && host_path[strlen (c->modules_dir)] == '/')
    fd = po_root_open_at (c->root, c->modules_fd, c->modules_dir,
                          host_path + strlen (c->modules_dir) + 1, O_RDONLY | O_NOCTTY | O_NONBLOCK,
                          &error);
  else
    fd = po_root_open (c->root, host_path, O_RDONLY | O_NOCTTY | O_NONBLOCK, &error);
  if (fd < 0)
    {
      *ret_error = g_strdup (error->message);
      return NULL;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      *ret_error = g_strdup_printf ("%s is not a regular file", host_path);
      return NULL;
    }
  if ((guint64) st.st_size > MAX_MODULE_FILE_BYTES)
    {
      close (fd);
      *ret_error = g_strdup_printf ("%s is larger than %u bytes", host_path, MAX_MODULE_FILE_BYTES);
      return NULL;
    }
  info = po_module_cache_lookup (c->cache, host_path, &st);
  if (info != NULL)
    {
      close (fd);
      return g_steal_pointer (&info);
    }

  po_inventory_count (c->inventory, "collector.kmod.read");
  if (!collection_ctx (c))
    {
      *ret_error = g_strdup_printf ("cannot read module %s: libkmod: out of memory", host_path);
      close (fd);
      return NULL;
    }
  /* libkmod sees only checked, uncompressed ELF bytes (po-inventory-kmod-file.c) */
  plain = po_inventory_module_file_open_checked (fd, (guint64) st.st_size, &error);
  close (fd);
  if (plain < 0)
    {
      *ret_error = g_strdup_printf ("cannot read module %s: %s", host_path, error->message);
      return NULL;
    }
  fd_path = g_strdup_printf ("/proc/self/fd/%d", plain);
  rc = kmod_module_new_from_path (c->ctx, fd_path, &mod);
  if (rc == 0)
    rc = kmod_module_get_info (mod, &list);
  if (rc < 0)
    {
      *ret_error = g_strdup_printf ("cannot read module %s: %s", host_path, g_strerror (-rc));
      kmod_module_unref (mod);
      close (plain);
      return NULL;
    }
  info = g_new0 (PoModuleInfo, 1);
  kmod_list_foreach (item, list)
  {
    const char *key = kmod_module_info_get_key (item);
    const char *value = kmod_module_info_get_value (item);
    if (key != NULL && value != NULL)
      info_set (info, key, value, -1);
  }
  info->is_signed = info->sig_id != NULL || info->signer != NULL || info->sig_hashalgo != NULL;
  kmod_module_info_free_list (list);
  kmod_module_unref (mod);
  close (plain);
  po_module_cache_insert (c->cache, host_path, &st, info);
  return g_steal_pointer (&info);
}

static void
module_apply_info (PoKernelModule *module, PoModuleInfo *info)
{
  module->version = g_steal_pointer (&info->version);
  module->srcversion = g_steal_pointer (&info->srcversion);
  module->author = g_steal_pointer (&info->author);
  module->description = g_steal_pointer (&info->description);
  module->license = g_steal_pointer (&info->license);
  module->vermagic = g_steal_pointer (&info->vermagic);
  module->in_tree = info->in_tree;
  module->is_signed = info->is_signed;
  module->sig_id = g_steal_pointer (&info->sig_id);
  module->signer = g_steal_pointer (&info->signer);
  module->sig_key = g_steal_pointer (&info->sig_key);
  module->sig_hashalgo = g_steal_pointer (&info->sig_hashalgo);
}

/* the host path of a loaded module's file, from modules.dep.bin (or the cache) */
static gchar *
find_module_file (Collection *c, const gchar *name)
{
  struct kmod_module *mod = NULL;
  const char *path;
  gchar *host_path = NULL;

  if (c->have_index
      && po_module_cache_lookup_path (c->cache, c->modules_dir, &c->index, name, &host_path))
    return host_path;
  if (!collection_ctx (c) || kmod_module_new_from_name (c->ctx, name, &mod) < 0)
    return NULL;
  path = kmod_module_get_path (mod);
  if (path != NULL)
    {
      gsize prefix_len = strlen (c->modules_fd_dir);
      if (strncmp (path, c->modules_fd_dir, prefix_len) == 0 && path[prefix_len] == '/')
        host_path = g_strconcat (c->modules_dir, path + prefix_len, NULL);
      else if (path[0] == '/' && !g_str_has_prefix (path, "/proc/"))
        /* old depmod wrote absolute paths: they are host paths */
        host_path = g_strdup (path);
    }
  kmod_module_unref (mod);
  if (c->have_index)
    po_module_cache_insert_path (c->cache, c->modules_dir, &c->index, name, host_path);
  return host_path;
}

/* /sys/module/<name>/{version,srcversion} for a loaded module with no file */
static void
read_sysfs_info (Collection *c, PoKernelModule *module)
{
  static const gchar *const keys[] = { "version", "srcversion" };
  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree gchar *path = g_strdup_printf ("/sys/module/%s/%s", module->name, keys[i]);
      g_autofree gchar *value = NULL;
      gsize length = 0;
      if (!po_root_read_file (c->root, path, MAX_SYSFS_BYTES, &value, &length, NULL))
        continue;
      g_strchomp (value);
      if (value[0] == '\0')
        continue;
      if (i == 0 && module->version == NULL)
        module->version = po_inventory_sanitize (value, -1);
      else if (i == 1 && module->srcversion == NULL)
        module->srcversion = po_inventory_sanitize (value, -1);
    }
}

static void
open_modules_dir (Collection *c, const gchar *release)
{
  g_autoptr (GError) error = NULL;

  c->modules_dir = g_strdup_printf ("/lib/modules/%s", release);
  c->modules_fd = po_root_open (c->root, c->modules_dir, O_PATH | O_DIRECTORY, &error);
  if (c->modules_fd < 0)
    {
      po_inventory_warn (c->warnings, "kmod", c->modules_dir, po_inventory_error_is_missing (error),
                         "%s", error->message);
      return;
    }
  c->modules_fd_dir = g_strdup_printf ("/proc/self/fd/%d", c->modules_fd);
  /* the index the module files are found with: what it is now decides
   * whether the cached answers still hold */
  c->have_index = fstatat (c->modules_fd, "modules.dep.bin", &c->index, AT_SYMLINK_NOFOLLOW) == 0
                  && S_ISREG (c->index.st_mode);
}

/* modules.builtin.modinfo: "name.key=value\0" strings, into name -> PoModuleInfo */
static GHashTable *
read_builtin_modinfo (Collection *c, gboolean *ret_present)
{
  g_autoptr (GHashTable) infos = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                        (GDestroyNotify) po_module_info_free);
  g_autofree gchar *path = g_strconcat (c->modules_dir, "/modules.builtin.modinfo", NULL);
  g_autofree gchar *contents = NULL;
  g_autoptr (GError) error = NULL;
  gsize length = 0;
  gsize offset = 0;

  *ret_present = FALSE;
  if (!po_root_read_file (c->root, path, MAX_BUILTIN_INFO_BYTES, &contents, &length, &error))
    {
      if (!po_inventory_error_is_missing (error))
        po_inventory_warn (c->warnings, "kmod", path, FALSE, "%s", error->message);
      return g_steal_pointer (&infos);
    }
  *ret_present = TRUE;
  while (offset < length)
    {
      const gchar *entry = contents + offset;
      gsize entry_len = strnlen (entry, length - offset);
      const gchar *dot = memchr (entry, '.', entry_len);
      const gchar *eq = dot != NULL ? memchr (dot, '=', entry_len - (gsize) (dot - entry)) : NULL;

      offset += entry_len + 1;
      if (dot == NULL || eq == NULL || dot == entry || g_hash_table_size (infos) > MAX_MODULES)
        continue;
      {
        g_autofree gchar *name = normalize_name (entry, dot - entry);
        g_autofree gchar *key = g_strndup (dot + 1, (gsize) (eq - dot - 1));
        PoModuleInfo *info;
        if (!is_module_name (name))
          continue;
        info = g_hash_table_lookup (infos, name);
        if (info == NULL)
          {
            info = g_new0 (PoModuleInfo, 1);
            g_hash_table_insert (infos, g_strdup (name), info);
          }
        /* "file" marks a real built-in module (as opposed to core code with parameters) */
        if (strcmp (key, "file") == 0)
          info->in_tree = TRUE;
        else if (strcmp (key, "intree") != 0)
          info_set (info, key, eq + 1, (gssize) (entry + entry_len - eq - 1));
      }
    }
  return g_steal_pointer (&infos);
}

/*
 * the built-in modules' names and, for each, its modinfo (NULL: none), as
 * modules.builtin and modules.builtin.modinfo say; TRUE when both files
 * were read
 */
static gboolean
read_builtin (Collection *c, GPtrArray *names, GPtrArray *module_infos)
{
  g_autofree gchar *path = g_strconcat (c->modules_dir, "/modules.builtin", NULL);
  g_autofree gchar *contents = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) infos = NULL;
  gboolean have_modinfo = FALSE;
  gboolean have_list;

  infos = read_builtin_modinfo (c, &have_modinfo);
  have_list = po_root_read_file (c->root, path, MAX_BUILTIN_BYTES, &contents, NULL, &error);
  if (have_list)
    {
      g_auto (GStrv) lines = g_strsplit (contents, "\n", -1);
      for (guint i = 0; lines[i] != NULL && names->len < MAX_MODULES; i++)
        {
          g_autofree gchar *base = g_path_get_basename (g_strstrip (lines[i]));
          gchar *suffix = strstr (base, ".ko");
          if (lines[i][0] == '\0' || suffix == NULL)
            continue;
          *suffix = '\0';
          g_ptr_array_add (names, normalize_name (base, -1));
        }
    }
  else
    {
      if (!po_inventory_error_is_missing (error) || !have_modinfo)
        po_inventory_warn (c->warnings, "kmod", path, po_inventory_error_is_missing (error), "%s",
                           error->message);
      /* without the list, the modinfo entries that name a file are the modules */
      GHashTableIter iter;
      gpointer key, value;
      g_hash_table_iter_init (&iter, infos);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (((PoModuleInfo *) value)->in_tree)
          g_ptr_array_add (names, g_strdup (key));
    }
  for (guint i = 0; i < names->len; i++)
    {
      PoModuleInfo *info = g_hash_table_lookup (infos, names->pdata[i]);
      g_ptr_array_add (module_infos, info != NULL ? po_module_info_copy (info) : NULL);
    }
  return have_list && have_modinfo;
}

static void
collect_builtin (Collection *c, GPtrArray *modules, GHashTable *seen)
{
  g_autoptr (GPtrArray) names = NULL;
  g_autoptr (GPtrArray) infos = NULL;
  struct stat st[2];
  /* both files as they are now, for the cache: regular files only */
  gboolean identified = fstatat (c->modules_fd, "modules.builtin", &st[0], AT_SYMLINK_NOFOLLOW) == 0
                        && fstatat (c->modules_fd, "modules.builtin.modinfo", &st[1],
                                    AT_SYMLINK_NOFOLLOW)
                             == 0
                        && S_ISREG (st[0].st_mode) && S_ISREG (st[1].st_mode);

  if (!identified || !po_module_cache_lookup_builtin (c->cache, c->modules_dir, st, &names, &infos))
    {
      names = g_ptr_array_new_with_free_func (g_free);
      infos = g_ptr_array_new_with_free_func ((GDestroyNotify) po_module_info_free);
      if (read_builtin (c, names, infos) && identified)
        po_module_cache_insert_builtin (c->cache, c->modules_dir, st, names, infos);
    }

  for (guint i = 0; i < names->len; i++)
    {
      const gchar *name = names->pdata[i];
      const PoModuleInfo *info = infos->pdata[i];
      PoKernelModule *module;

      if (!is_module_name (name) || g_hash_table_contains (seen, name))
        continue;
      module = g_new0 (PoKernelModule, 1);
      module->name = g_strdup (name);
      module->builtin = TRUE;
      module->refcount = -1;
      module->state = g_strdup ("builtin");
      if (info != NULL)
        {
          g_autoptr (PoModuleInfo) copy = po_module_info_copy (info);
          module_apply_info (module, copy);
        }
      /* built into the kernel image, hence from the kernel's own tree */
      module->in_tree = TRUE;
      g_hash_table_add (seen, g_strdup (name));
      g_ptr_array_add (modules, module);
    }
}

static gint
compare_modules (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(PoKernelModule *const *) a)->name, (*(PoKernelModule *const *) b)->name);
}

GPtrArray *
po_inventory_collect_kernel_modules (PoInventory *inventory, GPtrArray *warnings)
{
  g_auto (Collection) c = { 0 };
  g_autoptr (GPtrArray) modules = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree gchar *release = NULL;

  po_inventory_count (inventory, "collector.kmod");
  c.inventory = inventory;
  c.root = po_inventory_get_root (inventory);
  c.cache = po_module_cache_get (inventory);
  c.warnings = warnings;
  c.modules_fd = -1;

  modules = read_loaded (c.root, warnings);
  release = po_inventory_kernel_release (c.root, warnings);
  if (release != NULL)
    open_modules_dir (&c, release);

  for (guint i = 0; i < modules->len; i++)
    {
      PoKernelModule *module = modules->pdata[i];
      g_autofree gchar *path = NULL;

      g_hash_table_add (seen, g_strdup (module->name));
      path = find_module_file (&c, module->name);
      if (path != NULL)
        {
          g_autofree gchar *why = NULL;
          g_autoptr (PoModuleInfo) info = module_file_info (&c, path, &why);
          module->path = po_inventory_sanitize (path, -1);
          if (info != NULL)
            module_apply_info (module, info);
          else
            {
              po_inventory_warn (warnings, "kmod", module->path, FALSE, "%s", why);
              module->info_error = po_inventory_sanitize (why, -1);
            }
        }
      if (path == NULL)
        read_sysfs_info (&c, module);
    }
  if (c.modules_dir != NULL && c.modules_fd >= 0)
    collect_builtin (&c, modules, seen);
  g_ptr_array_sort (modules, compare_modules);
  return g_steal_pointer (&modules);
}
