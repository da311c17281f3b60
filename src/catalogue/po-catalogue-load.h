/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>
#include <sys/types.h>

#include "po-policy.h"
#include "po-settings.h"
#include "po-vendor.h"

G_BEGIN_DECLS

/*
 * Loading a catalogue (po-catalogue.c) and what a loaded one holds
 * (po-catalogue-lookup.c).  A PoCatalogue is immutable once loaded and
 * refcounted, so every table on every thread can hold one while a newer
 * one replaces it.
 */

/*
 * Where a catalogue comes from.  Files are read in this order, a later
 * definition of a policy or vendor id replacing an earlier one:
 *   1. the built-in files (unless switched off),
 *   2. each policy directory in the order added, its *.json files in byte
 *      order of their names (so 90-local.json overrides 10-base.json, and
 *      a later --policy-dir overrides an earlier one),
 *   3. the single files, in the order added.
 *
 * check_permissions (default: running as root) refuses files and
 * directories not owned by trusted_uid (default 0) or writable by group or
 * others, as osquery does for extensions.  Tests switch it on with
 * another uid to see the refusal without being unprivileged.
 */
typedef struct _PoCatalogueOptions PoCatalogueOptions;

PoCatalogueOptions *po_catalogue_options_new (void);
void po_catalogue_options_free (PoCatalogueOptions *options);
PoCatalogueOptions *po_catalogue_options_copy (const PoCatalogueOptions *options);
void po_catalogue_options_set_builtin (PoCatalogueOptions *options, gboolean builtin);
/* must_exist: a missing directory is reported as a problem (an explicit
 * --policy-dir); otherwise it is the same as an empty one (the default) */
void po_catalogue_options_add_policy_dir (PoCatalogueOptions *options, const gchar *directory,
                                          gboolean must_exist);
void po_catalogue_options_add_file (PoCatalogueOptions *options, const gchar *path);
void po_catalogue_options_set_permissions (PoCatalogueOptions *options, gboolean check,
                                           uid_t trusted_uid);
/* whether problems are also logged with g_warning() (default TRUE); the
 * check command prints them itself */
void po_catalogue_options_set_log_problems (PoCatalogueOptions *options, gboolean log_problems);
/* the options a runtime's settings ask for (--policy-dir or the default) */
PoCatalogueOptions *po_catalogue_options_new_from_settings (const PoSettings *settings);

/* a file, or one of its objects, that could not be used */
typedef struct {
  gchar *file;            /* a path, or "builtin:policies/x.json" */
  gchar *message;         /* the whole message, file name first */
  gboolean kept_previous; /* an earlier good version of the file is in use */
} PoCatalogueProblem;

typedef struct _PoCatalogue PoCatalogue;

/*
 * Loads a catalogue.  This cannot fail as a whole: a file that cannot be
 * read, parsed or validated is left out entirely, logged with g_warning()
 * and listed in po_catalogue_get_problems(), and the rest is loaded.
 *
 * previous (may be NULL) is the catalogue this one replaces: a file that
 * loaded there and is bad now keeps its previous version (same objects,
 * same sha256), with a problem saying so.  A file that was deleted is gone.
 */
PoCatalogue *po_catalogue_load (const PoCatalogueOptions *options, PoCatalogue *previous);
/* the built-in data alone */
PoCatalogue *po_catalogue_new_builtin (void);

PoCatalogue *po_catalogue_ref (PoCatalogue *catalogue);
void po_catalogue_unref (PoCatalogue *catalogue);

/*
 * FALSE when a file the catalogue was loaded from changed, appeared or
 * went away since (by stat: inode, size, mtime, ctime, owner, mode); the
 * caller then loads again with this catalogue as previous.
 */
gboolean po_catalogue_is_current (PoCatalogue *catalogue);

/*
 * The accessors below return objects and arrays owned by the catalogue:
 * valid while a reference to it is held, never to be freed or changed.
 */

/* the policies in force (after overrides), PoPolicy* in id order */
GPtrArray *po_catalogue_get_policies (PoCatalogue *catalogue);
/* NULL when no such policy */
PoPolicy *po_catalogue_lookup_policy (PoCatalogue *catalogue, const gchar *id);
/* the vendors in force, PoVendor* in id order */
GPtrArray *po_catalogue_get_vendors (PoCatalogue *catalogue);
PoVendor *po_catalogue_lookup_vendor (PoCatalogue *catalogue, const gchar *id);
/* PoCatalogueProblem*, in load order; empty when everything loaded */
GPtrArray *po_catalogue_get_problems (PoCatalogue *catalogue);
/* gchar*: the files in use (paths, "builtin:..." for built-in ones), in load order */
GPtrArray *po_catalogue_get_files (PoCatalogue *catalogue);
/* what a file in use defines: *ret_policies (PoPolicy*) and *ret_vendors
 * (PoVendor*), each may be NULL; FALSE when the catalogue uses nothing
 * from it (a bad or unknown file) */
gboolean po_catalogue_get_file_objects (PoCatalogue *catalogue, const gchar *file,
                                        GPtrArray **ret_policies, GPtrArray **ret_vendors);
guint po_catalogue_get_n_indicators (PoCatalogue *catalogue);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoCatalogueOptions, po_catalogue_options_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoCatalogue, po_catalogue_unref)

G_END_DECLS
