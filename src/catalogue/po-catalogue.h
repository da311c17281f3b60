/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>
#include <sys/types.h>

#include "po-policy.h"
#include "po-profile.h"
#include "po-runtime.h"

G_BEGIN_DECLS

/*
 * The ban-policy catalogue: vendors with their products and the indicators
 * that find them on a host, and the policies that ban or advise against
 * them.  All of it is data (docs/policy-format.md): the built-in files under
 * data/ are compiled in as a GResource, administrators add or override with
 * JSON files in --policy-dir directories.
 *
 * A PoCatalogue is immutable once loaded and refcounted, so every table on
 * every thread can hold one while a newer one replaces it.
 */

/* ---- vocabulary ---------------------------------------------------------- */

/*
 * The closed vocabularies of the format.  Files may also use their own
 * values prefixed "x-" (x-acme-subsidiary) for categories and organisation
 * types.  NULL-terminated, in documentation order.
 */
const gchar *const *po_vocabulary_get_categories          (void);
const gchar *const *po_vocabulary_get_organisation_types  (void);
const gchar *const *po_vocabulary_get_milestone_kinds     (void);
/* the type an organisation type implies ("municipality" -> "local-government"),
 * or NULL at the top or for unknown types */
const gchar        *po_vocabulary_get_organisation_parent (const gchar *type);
/* the jurisdiction a type belongs to ("federal-contractor" -> "US"), or NULL
 * for types that mean the same everywhere */
const gchar        *po_vocabulary_get_organisation_jurisdiction (const gchar *type);

/* ---- indicators ---------------------------------------------------------- */

/*
 * What an indicator is matched against.  Names are exact unless they
 * contain '*' or '?' (then a glob: '*' any run of characters, '/' and '\'
 * included, '?' one character).  Matching is case-insensitive where the
 * platform is: everything on Windows, paths and app names on macOS, and the
 * free-text organisation names (signers, publishers, module authors)
 * everywhere; free text is also compared with runs of white space as one
 * space.  Linux kernel module names treat '-' and '_' alike, as kmod does.
 */
typedef enum {
  PO_INDICATOR_DEB_PACKAGE,           /* linux.deb_package */
  PO_INDICATOR_RPM_PACKAGE,           /* linux.rpm_package */
  PO_INDICATOR_LINUX_PATH,            /* linux.path */
  PO_INDICATOR_SYSTEMD_UNIT,          /* linux.systemd_unit */
  PO_INDICATOR_LINUX_PROCESS,         /* linux.process */
  PO_INDICATOR_KERNEL_MODULE,         /* linux.kernel_module */
  PO_INDICATOR_KERNEL_MODULE_SIGNER,  /* linux.kernel_module_signer */
  PO_INDICATOR_KERNEL_MODULE_AUTHOR,  /* linux.kernel_module_author */
  PO_INDICATOR_SNAP,                  /* linux.snap: snap name, e.g. kesl */
  PO_INDICATOR_FLATPAK,               /* linux.flatpak: application id, e.g. com.kaspersky.Kesl */
  PO_INDICATOR_WINDOWS_PROGRAM,       /* windows.program: Add/Remove Programs display name */
  PO_INDICATOR_WINDOWS_PUBLISHER,     /* windows.publisher */
  PO_INDICATOR_WINDOWS_SERVICE,       /* windows.service: service (key) name */
  PO_INDICATOR_WINDOWS_DRIVER,        /* windows.driver: driver file name, e.g. klif.sys */
  PO_INDICATOR_WINDOWS_SIGNER,        /* windows.signer: Authenticode subject */
  PO_INDICATOR_WINDOWS_PROCESS,       /* windows.process: image file name */
  PO_INDICATOR_WINDOWS_PATH,          /* windows.path */
  PO_INDICATOR_MACOS_TEAM_ID,         /* macos.team_id */
  PO_INDICATOR_MACOS_BUNDLE_ID,       /* macos.bundle_id */
  PO_INDICATOR_MACOS_SYSTEM_EXTENSION,/* macos.system_extension */
  PO_INDICATOR_MACOS_KERNEL_EXTENSION,/* macos.kernel_extension */
  PO_INDICATOR_MACOS_PACKAGE_RECEIPT, /* macos.package_receipt */
  PO_INDICATOR_MACOS_LAUNCHD_LABEL,   /* macos.launchd_label */
  PO_INDICATOR_MACOS_APP_NAME,        /* macos.app_name, e.g. Kaspersky.app */
  PO_INDICATOR_MACOS_PATH,            /* macos.path */
  PO_INDICATOR_KIND_N
} PoIndicatorKind;

/* "linux.deb_package" etc. */
const gchar *po_indicator_kind_to_string          (PoIndicatorKind  kind);
gboolean     po_indicator_kind_from_string        (const gchar     *text,
                                                   PoIndicatorKind *ret_kind);
/* "linux", "windows", "macos" */
const gchar *po_indicator_kind_get_platform       (PoIndicatorKind  kind);
gboolean     po_indicator_kind_is_case_insensitive (PoIndicatorKind kind);

typedef struct _PoVendor    PoVendor;
typedef struct _PoProduct   PoProduct;
typedef struct _PoIndicator PoIndicator;

PoIndicatorKind  po_indicator_get_kind        (const PoIndicator *indicator);
/* as written in the file */
const gchar     *po_indicator_get_pattern     (const PoIndicator *indicator);
gboolean         po_indicator_is_glob         (const PoIndicator *indicator);
/* "verified", "corroborated" or "weak" */
const gchar     *po_indicator_get_confidence  (const PoIndicator *indicator);
const gchar     *po_indicator_get_note        (const PoIndicator *indicator);
PoVendor        *po_indicator_get_vendor      (const PoIndicator *indicator);
/* NULL for a vendor-wide indicator (a publisher or Team ID that says
 * "Kaspersky" but not which product, so not which category) */
PoProduct       *po_indicator_get_product     (const PoIndicator *indicator);
/* does value match this indicator (same rules as po_catalogue_match()) */
gboolean         po_indicator_matches         (const PoIndicator *indicator,
                                               const gchar       *value);

/* ---- vendors and products ------------------------------------------------ */

PoVendor           *po_vendor_ref              (PoVendor  *vendor);
void                po_vendor_unref            (PoVendor  *vendor);
const gchar        *po_vendor_get_id           (PoVendor  *vendor);
const gchar        *po_vendor_get_name         (PoVendor  *vendor);
/* other names the vendor trades or signs as; never NULL */
const gchar *const *po_vendor_get_aliases      (PoVendor  *vendor);
/* PoProduct* */
GPtrArray          *po_vendor_get_products     (PoVendor  *vendor);
/* vendor-wide indicators, PoIndicator* */
GPtrArray          *po_vendor_get_indicators   (PoVendor  *vendor);
const PoSource     *po_vendor_get_sources      (PoVendor  *vendor,
                                                guint     *ret_n_sources);
const gchar        *po_vendor_get_origin       (PoVendor  *vendor);
const gchar        *po_vendor_get_sha256       (PoVendor  *vendor);

const gchar        *po_product_get_id          (PoProduct *product);
const gchar        *po_product_get_name        (PoProduct *product);
const gchar        *po_product_get_category    (PoProduct *product);
const gchar        *po_product_get_confidence  (PoProduct *product);
const gchar        *po_product_get_notes       (PoProduct *product);
PoVendor           *po_product_get_vendor      (PoProduct *product);
/* PoIndicator* */
GPtrArray          *po_product_get_indicators  (PoProduct *product);

/* ---- loading ------------------------------------------------------------- */

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

PoCatalogueOptions *po_catalogue_options_new               (void);
void                po_catalogue_options_free              (PoCatalogueOptions *options);
PoCatalogueOptions *po_catalogue_options_copy              (const PoCatalogueOptions *options);
void                po_catalogue_options_set_builtin       (PoCatalogueOptions *options,
                                                            gboolean            builtin);
/* must_exist: a missing directory is reported as a problem (an explicit
 * --policy-dir); otherwise it is the same as an empty one (the default) */
void                po_catalogue_options_add_policy_dir    (PoCatalogueOptions *options,
                                                            const gchar        *directory,
                                                            gboolean            must_exist);
void                po_catalogue_options_add_file          (PoCatalogueOptions *options,
                                                            const gchar        *path);
void                po_catalogue_options_set_permissions   (PoCatalogueOptions *options,
                                                            gboolean            check,
                                                            uid_t               trusted_uid);
/* whether problems are also logged with g_warning() (default TRUE); the
 * check command prints them itself */
void                po_catalogue_options_set_log_problems  (PoCatalogueOptions *options,
                                                            gboolean            log_problems);
/* the options a runtime's settings ask for (--policy-dir or the default) */
PoCatalogueOptions *po_catalogue_options_new_from_settings (const PoSettings   *settings);

/* a file, or one of its objects, that could not be used */
typedef struct {
  gchar    *file;           /* a path, or "builtin:policies/x.json" */
  gchar    *message;        /* the whole message, file name first */
  gboolean  kept_previous;  /* an earlier good version of the file is in use */
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
PoCatalogue        *po_catalogue_load              (const PoCatalogueOptions *options,
                                                    PoCatalogue              *previous);
/* the built-in data alone */
PoCatalogue        *po_catalogue_new_builtin       (void);

PoCatalogue        *po_catalogue_ref               (PoCatalogue  *catalogue);
void                po_catalogue_unref             (PoCatalogue  *catalogue);

/*
 * FALSE when a file the catalogue was loaded from changed, appeared or
 * went away since (by stat: inode, size, mtime, ctime, owner, mode); the
 * caller then loads again with this catalogue as previous.
 */
gboolean            po_catalogue_is_current        (PoCatalogue  *catalogue);

/*
 * The accessors below return objects and arrays owned by the catalogue:
 * valid while a reference to it is held, never to be freed or changed.
 */

/* the policies in force (after overrides), PoPolicy* in id order */
GPtrArray          *po_catalogue_get_policies      (PoCatalogue  *catalogue);
/* NULL when no such policy */
PoPolicy           *po_catalogue_lookup_policy     (PoCatalogue  *catalogue,
                                                    const gchar  *id);
/* the vendors in force, PoVendor* in id order */
GPtrArray          *po_catalogue_get_vendors       (PoCatalogue  *catalogue);
PoVendor           *po_catalogue_lookup_vendor     (PoCatalogue  *catalogue,
                                                    const gchar  *id);
/* PoCatalogueProblem*, in load order; empty when everything loaded */
GPtrArray          *po_catalogue_get_problems      (PoCatalogue  *catalogue);
/* gchar*: the files in use (paths, "builtin:..." for built-in ones), in load order */
GPtrArray          *po_catalogue_get_files         (PoCatalogue  *catalogue);
guint               po_catalogue_get_n_indicators  (PoCatalogue  *catalogue);

/*
 * Which indicators of kind match value.  Exact names are one hash lookup,
 * globs are indexed by their literal prefix, so the cost does not grow with
 * the number of indicators in the catalogue.  *ret_matches (may be NULL)
 * receives a new array of const PoIndicator* (borrowed from the catalogue:
 * keep a catalogue reference while using them), ordered by vendor, product
 * and pattern, or NULL when nothing matched.  Returns whether anything did.
 */
gboolean            po_catalogue_match             (PoCatalogue     *catalogue,
                                                    PoIndicatorKind  kind,
                                                    const gchar     *value,
                                                    GPtrArray      **ret_matches);

/*
 * Data derived from the catalogue that a caller wants computed once, not
 * per query (an index of vendor names, say): the first call for `key`
 * builds it with build(catalogue, user_data), later calls return the same
 * pointer.  The catalogue is immutable, so the memo stays valid for as
 * long as the catalogue does and is freed with it (destroy).  Thread-safe.
 */
typedef gpointer (*PoCatalogueMemoBuild) (PoCatalogue *catalogue,
                                          gpointer     user_data);

gpointer            po_catalogue_get_memo          (PoCatalogue          *catalogue,
                                                    const gchar          *key,
                                                    PoCatalogueMemoBuild  build,
                                                    gpointer              user_data,
                                                    GDestroyNotify        destroy);

/* the policies that cover this product (vendor and category): a new array
 * of borrowed PoPolicy* */
GPtrArray          *po_catalogue_get_policies_for_product (PoCatalogue *catalogue,
                                                           PoProduct   *product);

/* ---- the runtime's catalogue and profile --------------------------------- */

/*
 * The catalogue for the runtime's settings (--policy-dir, or the default
 * directory): loaded on first use, kept as a runtime component, and loaded
 * again, keeping last-good files, when a policy file or directory changed.
 * Thread-safe.  Returns a new reference.  Bad files do not make it fail
 * (they are problems inside the catalogue); error is there for failures
 * of the runtime itself and is not set today.
 */
PoCatalogue        *po_runtime_get_catalogue       (PoRuntime    *runtime,
                                                    GError      **error);

/*
 * The organisation profile: the [profile] group of the --config file (or of
 * the default config, when it exists), with the options set through
 * po_runtime_set_profile_option() on top.  *ret_profile is a new reference,
 * or NULL when nothing is configured.  A config file that cannot be read,
 * is refused (not a regular file; larger than 1 MiB; as root, not root's or
 * writable by group or others) or is malformed keeps the last good profile,
 * or none when there was none; a rejected option is left out.  Either way
 * the profile returned carries a short problem (po_profile_get_problem()),
 * and is returned even when empty, so reasons never claim that nothing was
 * configured.  An explicit --config that is missing is an error.
 */
gboolean            po_runtime_get_profile         (PoRuntime    *runtime,
                                                    PoProfile   **ret_profile,
                                                    GError      **error);

/*
 * What was configured but is not in force, as of the last
 * po_runtime_get_profile(): one line per rejected file or option, naming it
 * and the problem, and saying what is in force instead; NULL when nothing
 * was rejected.  For phaseout_info.config_problem and the report.
 */
gchar              *po_runtime_get_profile_problem (PoRuntime    *runtime);

/* an osquery option (phaseout_jurisdiction, ...) for this runtime's profile;
 * FALSE with the reason when it is rejected, which the runtime also keeps
 * for po_runtime_get_profile_problem() */
gboolean            po_runtime_set_profile_option  (PoRuntime    *runtime,
                                                    const gchar  *key,
                                                    const gchar  *value,
                                                    GError      **error);

/* ---- command-line hooks -------------------------------------------------- */

/*
 * `phaseout policy check FILE...`: validates the files against the format
 * and the built-in catalogue (vendor ids the files use may come from the
 * built-in data or from any of the files), without permission checks.
 * Appends one line per file ("FILE: ok: 2 policies (a, b), sha256 ...") or
 * per problem to report.  FALSE + PO_ERROR_INVALID_DATA when any file is
 * bad (exit 1), TRUE when all are good (exit 0).
 */
gboolean            po_policy_check_files          (const gchar *const *files,
                                                    GString            *report,
                                                    GError            **error);

/*
 * `phaseout policy list`: the runtime's catalogue, one line per policy
 * (id, applicability for the profile at the runtime's time, origin, hash,
 * title), then the
 * profile and any problems.  verbose adds each policy's reason, scope and
 * milestones.  FALSE + PO_ERROR_INVALID_DATA when some file was rejected,
 * a policy file or the organisation profile (the report is complete all
 * the same), so scripts can notice.
 */
gboolean            po_policy_list                 (PoRuntime          *runtime,
                                                    gboolean            verbose,
                                                    GString            *report,
                                                    GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoCatalogueOptions, po_catalogue_options_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoCatalogue, po_catalogue_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoVendor, po_vendor_unref)

G_END_DECLS
