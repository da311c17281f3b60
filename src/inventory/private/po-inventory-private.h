/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Helpers shared by the collectors, and the pieces of them the tests call
 * directly (parsers that take bytes rather than a root).  Not for tables.
 */

#include <gio/gio.h>
#include <sys/stat.h>

#include "po-file-identity.h"
#include "po-inventory.h"

G_BEGIN_DECLS

/* at most this many warnings are kept in one list; the rest are only logged */
#define PO_INVENTORY_MAX_WARNINGS 1000

/*
 * records a warning: appended to `warnings` (may be NULL) and logged, with
 * g_warning, or g_debug when `absent` (a source that does not exist here)
 */
void po_inventory_warn (GPtrArray *warnings, const gchar *collector, const gchar *path,
                        gboolean absent, const gchar *format, ...) G_GNUC_PRINTF (5, 6);

/* TRUE if the error means "no such file" (ENOENT, ENOTDIR) */
gboolean po_inventory_error_is_missing (const GError *error);

/*
 * text from the host made safe to show: invalid UTF-8 becomes U+FFFD,
 * control characters are escaped ("\n", "\t", "\x1b"), a NUL ends nothing
 * (escaped as "\x00").  `length` -1 for a NUL-terminated string.
 */
gchar *po_inventory_sanitize (const gchar *data, gssize length);

/*
 * reads at most `max_bytes` of a file beneath the root, setting
 * *ret_truncated when there was more, unlike po_root_read_file which
 * refuses a larger file; for /proc files whose length is not a problem
 * worth failing over (cmdline)
 */
gboolean po_inventory_read_prefix (PoRoot *root, const gchar *host_path, gsize max_bytes,
                                   gchar **ret_contents, gsize *ret_length, gboolean *ret_truncated,
                                   GError **error);

/* the kernel release whose /lib/modules directory applies beneath the root:
 * /proc/sys/kernel/osrelease, else uname(2) when the root is "/"; NULL if
 * neither (a warning is recorded) */
gchar *po_inventory_kernel_release (PoRoot *root, GPtrArray *warnings);

/* ---- parsers, exposed for tests ---- */

/*
 * parses dpkg status data (deb822 stanzas) into `packages`, keyed by
 * "name:arch" in `index` (name -> index into packages) so that later files
 * (the updates journal) override earlier ones; problems go to `warnings`
 * under `host_path`
 */
void po_inventory_parse_dpkg_status (const gchar *data, gsize length, const gchar *host_path,
                                     GPtrArray *packages, GHashTable *index, GPtrArray *warnings);

/* one line of /proc/modules into a new module; NULL (and *ret_reason) if malformed */
PoKernelModule *po_inventory_parse_proc_modules_line (const gchar *line, const gchar **ret_reason);

/*
 * the module file open at fd (of file_size bytes) as libkmod may see it: a
 * new descriptor of its uncompressed bytes (xz and zstd decompressed, at
 * most 128 MiB) once they are an ELF file libkmod 30 will not abort on;
 * -1 and *error otherwise (po-inventory-kmod-file.c)
 */
int po_inventory_module_file_open_checked (int fd, guint64 file_size, GError **error);

/* merges ListUnits' reply (a(ssssssouso)) into units (PoUnit*, sorted by name) */
void po_inventory_units_merge_list_units (GPtrArray *units, GVariant *list_units_reply);

typedef enum {
  PO_UNITS_BUS_AUTO, /* ask systemd when the root is "/" and systemd runs */
  PO_UNITS_BUS_NEVER,
  PO_UNITS_BUS_ALWAYS, /* ask the system bus whatever the root (tests, with a private bus) */
} PoUnitsBus;

GPtrArray *po_inventory_collect_units_full (PoInventory *inventory, PoUnitsBus bus,
                                            GPtrArray *warnings);

/* ---- the module information cache (po-module-cache.c) ---- */

/* what a module file says about itself: its .modinfo and its signature */
typedef struct {
  gchar *version;
  gchar *srcversion;
  gchar *author;
  gchar *description;
  gchar *license;
  gchar *vermagic;
  gboolean in_tree;
  gboolean is_signed;
  gchar *sig_id;
  gchar *signer;
  gchar *sig_key;
  gchar *sig_hashalgo;
} PoModuleInfo;

void po_module_info_free (PoModuleInfo *info);
PoModuleInfo *po_module_info_copy (const PoModuleInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoModuleInfo, po_module_info_free)

typedef struct _PoModuleCache PoModuleCache;

PoModuleCache *po_module_cache_new (void);
void po_module_cache_free (PoModuleCache *cache);
/* the inventory's cache (po-inventory.c: one per inventory, so per root) */
PoModuleCache *po_module_cache_get (PoInventory *inventory);
/* a copy of the cached information if the file is unchanged, else NULL */
PoModuleInfo *po_module_cache_lookup (PoModuleCache *cache, const gchar *host_path,
                                      const struct stat *st);
void po_module_cache_insert (PoModuleCache *cache, const gchar *host_path, const struct stat *st,
                             const PoModuleInfo *info);
guint po_module_cache_size (PoModuleCache *cache);
/* the file modules.dep.bin (identified by index) gives for a module name:
 * TRUE and *ret_path (NULL: none) when known */
gboolean po_module_cache_lookup_path (PoModuleCache *cache, const gchar *modules_dir,
                                      const struct stat *index, const gchar *name,
                                      gchar **ret_path);
/* the built-in modules (names, and their PoModuleInfo* or NULL, parallel;
 * references to arrays nobody modifies) while both files are unchanged */
gboolean po_module_cache_lookup_builtin (PoModuleCache *cache, const gchar *modules_dir,
                                         const struct stat files[2], GPtrArray **ret_names,
                                         GPtrArray **ret_infos);
void po_module_cache_insert_builtin (PoModuleCache *cache, const gchar *modules_dir,
                                     const struct stat files[2], GPtrArray *names,
                                     GPtrArray *infos);
void po_module_cache_insert_path (PoModuleCache *cache, const gchar *modules_dir,
                                  const struct stat *index, const gchar *name, const gchar *path);

/* ---- rpm databases librpm failed to open (po-rpm-failures.c) ---- */

typedef struct _PoRpmFailures PoRpmFailures;

PoRpmFailures *po_rpm_failures_new (void);
void po_rpm_failures_free (PoRpmFailures *failures);
/* the inventory's memory of failed opens (po-inventory.c) */
PoRpmFailures *po_rpm_failures_get (PoInventory *inventory);
/* the message of the failed open of this database file if it is unchanged, else NULL */
gchar *po_rpm_failures_lookup (PoRpmFailures *failures, const gchar *host_path,
                               const struct stat *st);
void po_rpm_failures_remember (PoRpmFailures *failures, const gchar *host_path,
                               const struct stat *st, const gchar *message);
void po_rpm_failures_forget (PoRpmFailures *failures, const gchar *host_path);

G_END_DECLS
