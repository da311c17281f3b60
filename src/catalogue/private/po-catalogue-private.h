/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The catalogue's insides, shared by the files of src/catalogue/ only.
 * Everything here is built once by the parser and read-only afterwards.
 */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <sys/stat.h>

#include "po-catalogue.h"
#include "po-file-identity.h"

G_BEGIN_DECLS

/* the format version this phaseout reads and writes */
#define PO_CATALOGUE_FORMAT 1
/* a policy file larger than this is refused (PO_ERROR_TOO_LARGE) */
#define PO_CATALOGUE_MAX_FILE_SIZE   (4 * 1024 * 1024)
#define PO_CATALOGUE_RESOURCE_PREFIX "/org/phaseout/catalogue"
/* a --config file larger than this is refused: a profile is a few lines */
#define PO_PROFILE_MAX_FILE_SIZE (1024 * 1024)

/* ---- phaseout's own configuration files (po-config-file.c) ---- */

struct stat;

/* a caller's judgement of the file opened (owner, mode); FALSE + error to refuse it */
typedef gboolean (*PoConfigFileCheck) (const gchar *path, const struct stat *st, gpointer user_data,
                                       GError **error);

/*
 * Reads path, opened once (O_NONBLOCK, so a FIFO cannot block), and judged
 * on the descriptor: it must be a regular file, pass check (may be NULL)
 * and hold at most max_bytes.  *opened (may be NULL) is what fstat said
 * about the file opened, set as soon as it is known, even when the file is
 * then refused, so a caller can tell when it changes.  Errors name path.
 */
gboolean po_config_file_read (const gchar *path, gsize max_bytes, PoConfigFileCheck check,
                              gpointer user_data, GBytes **ret_bytes, struct stat *opened,
                              GError **error);

/* ---- vocabulary (po-vocabulary.c) ---- */

gboolean po_vocabulary_is_category (const gchar *category);
gboolean po_vocabulary_is_organisation_type (const gchar *type);
gboolean po_vocabulary_is_milestone_kind (const gchar *kind);
/* interned "verified"/"reported"/"unverified", or NULL when unknown */
const gchar *po_vocabulary_policy_confidence (const gchar *text);
/* interned "verified"/"corroborated"/"weak", or NULL when unknown */
const gchar *po_vocabulary_indicator_confidence (const gchar *text);
/* inner is outer or one of its subdivisions ("US-TX" within "US") */
gboolean po_vocabulary_jurisdiction_within (const gchar *inner, const gchar *outer);
/* whether a profile of type counts as that type (and what it implies) for
 * a policy of this jurisdiction: types of a jurisdiction count only for its
 * policies, its subdivisions' and "*" ones; other types count everywhere */
gboolean po_vocabulary_organisation_type_counts_for (const gchar *type,
                                                     const gchar *policy_jurisdiction);
/* "NL", "US-TX", "EU", "*"; returns the normalised (upper-case, UK -> GB)
 * code or NULL when text is not one */
gchar *po_vocabulary_normalise_jurisdiction (const gchar *text);
/* lower-case letters, digits and '-', '.', '_', starting with a letter or
 * digit, at most 128 bytes */
gboolean po_vocabulary_is_id (const gchar *text);
/* strict YYYY-MM-DD (ret_when: 00:00 UTC) or RFC 3339 with an offset */
gboolean po_vocabulary_parse_date (const gchar *text, gboolean allow_time, GDateTime **ret_when);

/* ---- indicators and the matcher (po-indicator.c) ---- */

struct _PoIndicator {
  PoIndicatorKind kind;
  gchar *pattern; /* as written */
  gchar *key;     /* normalised pattern or name */
  gboolean is_glob;
  GPatternSpec *spec;      /* globs only, compiled on key */
  gsize prefix_len;        /* globs: bytes of key before the first wildcard */
  const gchar *confidence; /* interned */
  gchar *note;
  PoVendor *vendor;   /* unowned: the vendor owns its indicators */
  PoProduct *product; /* unowned; NULL for vendor-wide */
};

/* NULL + ret_problem when pattern is not acceptable for kind */
PoIndicator *po_indicator_new (PoIndicatorKind kind, const gchar *pattern, const gchar *confidence,
                               const gchar *note, gchar **ret_problem);
void po_indicator_free (PoIndicator *indicator);
/* the form a name of this kind is compared in; never NULL */
gchar *po_indicator_normalise (PoIndicatorKind kind, const gchar *value);
gboolean po_indicator_kind_from_key (const gchar *platform, const gchar *key,
                                     PoIndicatorKind *ret_kind);
const gchar *po_indicator_kind_get_key (PoIndicatorKind kind);

/* key is normalised (po_indicator_normalise()), key_len its length */
gboolean po_indicator_matches_key (const PoIndicator *indicator, const gchar *key, gsize key_len);

/* ---- the matcher (po-matcher.c) ---- */

typedef struct _PoMatcher PoMatcher;

PoMatcher *po_matcher_new (void);
void po_matcher_free (PoMatcher *matcher);
void po_matcher_add (PoMatcher *matcher, PoIndicator *indicator);
guint po_matcher_get_size (PoMatcher *matcher);
gboolean po_matcher_match (PoMatcher *matcher, PoIndicatorKind kind, const gchar *value,
                           GPtrArray **ret_matches);
/* every indicator of kind, in catalogue order (borrowed) */
GPtrArray *po_matcher_get_indicators (PoMatcher *matcher, PoIndicatorKind kind);
/* the finding sources of an owner's indicators (a PoProduct*, or a PoVendor*
 * for its vendor-wide ones) */
guint po_matcher_get_owner_sources (PoMatcher *matcher, gconstpointer owner);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoMatcher, po_matcher_free)

/* ---- vendors and products (po-vendor.c) ---- */

/* the platforms a remediation text is written for, in po_remediation_platforms() order */
#define PO_REMEDIATION_N 4

struct _PoProduct {
  gchar *id;
  gchar *name;
  const gchar *category;   /* interned */
  const gchar *confidence; /* interned */
  gchar *notes;
  GPtrArray *indicators;                /* PoIndicator*, owned */
  GArray *sources;                      /* PoSource, owned strings */
  PoVendor *vendor;                     /* unowned back pointer */
  gchar *remediation[PO_REMEDIATION_N]; /* per platform, or NULL */
};

struct _PoVendor {
  gatomicrefcount ref_count;
  gchar *id;
  gchar *name;
  GStrv aliases;
  gchar *notes;
  GPtrArray *products;   /* PoProduct*, owned */
  GPtrArray *indicators; /* vendor-wide PoIndicator*, owned */
  GArray *sources;       /* PoSource */
  gchar *origin;
  gchar *sha256;
  gchar *remediation[PO_REMEDIATION_N]; /* per platform, or NULL */
};

PoVendor *po_vendor_new (void);
PoProduct *po_product_new (PoVendor *vendor);
GArray *po_sources_new (void);

/* ---- policies (po-policy.c) ---- */

/* a scope entry given as an object: its own confidence, sources and note */
typedef struct {
  const gchar *confidence; /* interned; NULL: the policy's */
  gchar *note;
  GArray *sources; /* PoSource, possibly empty */
} PoScopeEntry;

PoScopeEntry *po_scope_entry_new (void);
void po_scope_entry_free (PoScopeEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoScopeEntry, po_scope_entry_free)

struct _PoPolicy {
  gatomicrefcount ref_count;
  gchar *id;
  gchar *title;
  gchar *issuer;
  gchar *jurisdiction;
  gchar *instrument;
  gchar *issued;
  GDateTime *issued_when; /* 00:00 UTC of the day of issue */
  gboolean binding;
  const gchar *confidence; /* interned */
  GStrv vendors;           /* as written: "vendor" or "vendor/product" */
  GStrv vendor_ids;        /* the vendors those name, each once */
  /* vendor id -> NULL (named whole) or the set of its product ids named:
   * po_policy_covers() runs for every owner on every query */
  GHashTable *coverage;
  GStrv categories;
  GStrv devices; /* "all", or some of "mobile", "desktop", "server" */
  gchar *replacement;
  GStrv binds;
  GStrv advises;
  GStrv excludes;
  GHashTable *scope_entries; /* type -> PoScopeEntry*, the entries given as objects */
  gchar *scope_description;
  GArray *milestones; /* PoMilestone, owned strings and GDateTime */
  GArray *sources;    /* PoSource */
  gchar *notes;
  gchar *origin;
  gchar *sha256;
};

PoPolicy *po_policy_new (void);
/* takes vendors ("vendor" or "vendor/product" entries) and derives
 * vendor_ids and coverage from them */
void po_policy_set_vendors (PoPolicy *policy, GStrv vendors);

/* ---- the catalogue object (po-catalogue*.c) ---- */

typedef struct {
  gchar *path;
  gboolean must_exist;
} DirOption;

struct _PoCatalogueOptions {
  gboolean builtin;
  GPtrArray *dirs;  /* DirOption* */
  GPtrArray *files; /* gchar* */
  gboolean check_permissions;
  uid_t trusted_uid;
  gboolean log_problems;
};

struct _PoCatalogue {
  gatomicrefcount ref_count;
  PoCatalogueOptions *options;
  GPtrArray *files;   /* FileRecord*, load order */
  GPtrArray *dirs;    /* DirRecord* */
  GPtrArray *vendors; /* PoVendor*, refs, by id */
  GHashTable *vendor_by_id;
  GPtrArray *policies; /* PoPolicy*, refs, by id */
  GHashTable *policy_by_id;
  GPtrArray *problems;   /* PoCatalogueProblem* */
  GPtrArray *file_names; /* gchar*: files in use */
  PoMatcher *matcher;
};

/* reading files and directories (po-catalogue-files.c) */
gboolean po_catalogue_check_permissions (const PoCatalogueOptions *options, const gchar *path,
                                         uid_t uid, mode_t mode, GError **error);
gboolean po_catalogue_read_policy_file (const PoCatalogueOptions *options, const gchar *path,
                                        GBytes **ret_bytes, PoFileIdentity *ret_identity,
                                        GError **error);
/* byte order of file names, for qsort() */
gint po_catalogue_compare_names (gconstpointer a, gconstpointer b);
/* the *.json names in a directory, in byte order */
GStrv po_catalogue_list_policy_files (const gchar *path, GError **error);

/* ---- files (po-catalogue-parse.c) ---- */

/* what one file defines */
typedef struct {
  GPtrArray *vendors;  /* PoVendor*, refs */
  GPtrArray *policies; /* PoPolicy*, refs */
} PoCatalogueContent;

PoCatalogueContent *po_catalogue_content_new (void);
void po_catalogue_content_free (PoCatalogueContent *content);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoCatalogueContent, po_catalogue_content_free)

/*
 * Parses and validates one file's bytes.  name is how messages name the
 * file, origin what the objects report ("builtin" or the path).  Every
 * problem found is appended to errors (full messages, file name first);
 * returns NULL when there was any.  Vendor references are not checked here
 * (they may point into other files): see po_catalogue_content_check_refs().
 */
PoCatalogueContent *po_catalogue_parse (const gchar *name, const gchar *origin, GBytes *bytes,
                                        GPtrArray *errors);

/* appends a message for each policy that names a vendor lookup cannot find */
gboolean po_catalogue_content_check_refs (PoCatalogueContent *content, const gchar *name,
                                          GHashTable *vendors, GPtrArray *errors);

/* what the catalogue uses from the named file (NULL: nothing) */
PoCatalogueContent *po_catalogue_get_file_content (PoCatalogue *catalogue, const gchar *name);

/* lower-case hex SHA-256 of bytes */
gchar *po_catalogue_sha256 (GBytes *bytes);

/* the generated resource with the built-in data (glib-compile-resources
 * --manual-register): NULL until registered, see builtin_resource() */
GResource *po_catalogue_data_get_resource (void);
void po_catalogue_data_register_resource (void);

G_END_DECLS
