/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "po-text.h"

G_BEGIN_DECLS

/*
 * The kinds of indicator, each described once (po-indicator-kinds.c):
 * its name, platform, how its names compare, what a pattern of it may
 * look like, which collector finds it on Linux, where the osquery export
 * looks for it, and a line for the documentation.  Everything that
 * behaves differently per kind reads the descriptor; a new kind is a new
 * descriptor row, its collector and its tests (docs/dev/new-indicator-kind.md).
 *
 * Names are exact unless they contain '*' or '?' (then a glob: '*' any run
 * of characters, '/' and '\' included, '?' one character).
 */
typedef enum {
  PO_INDICATOR_DEB_PACKAGE,            /* linux.deb_package */
  PO_INDICATOR_RPM_PACKAGE,            /* linux.rpm_package */
  PO_INDICATOR_LINUX_PATH,             /* linux.path */
  PO_INDICATOR_SYSTEMD_UNIT,           /* linux.systemd_unit */
  PO_INDICATOR_LINUX_PROCESS,          /* linux.process */
  PO_INDICATOR_KERNEL_MODULE,          /* linux.kernel_module */
  PO_INDICATOR_KERNEL_MODULE_SIGNER,   /* linux.kernel_module_signer */
  PO_INDICATOR_KERNEL_MODULE_AUTHOR,   /* linux.kernel_module_author */
  PO_INDICATOR_SNAP,                   /* linux.snap: snap name, e.g. kesl */
  PO_INDICATOR_FLATPAK,                /* linux.flatpak: application id, e.g. com.kaspersky.Kesl */
  PO_INDICATOR_WINDOWS_PROGRAM,        /* windows.program: Add/Remove Programs display name */
  PO_INDICATOR_WINDOWS_PUBLISHER,      /* windows.publisher */
  PO_INDICATOR_WINDOWS_SERVICE,        /* windows.service: service (key) name */
  PO_INDICATOR_WINDOWS_DRIVER,         /* windows.driver: driver file name, e.g. klif.sys */
  PO_INDICATOR_WINDOWS_SIGNER,         /* windows.signer: Authenticode subject */
  PO_INDICATOR_WINDOWS_PROCESS,        /* windows.process: image file name */
  PO_INDICATOR_WINDOWS_PATH,           /* windows.path */
  PO_INDICATOR_WINDOWS_STORE_PACKAGE,  /* windows.store_package: MSIX package family name */
  PO_INDICATOR_WINDOWS_UNINSTALL_KEY,  /* windows.uninstall_key: Add/Remove Programs key name */
  PO_INDICATOR_MACOS_TEAM_ID,          /* macos.team_id */
  PO_INDICATOR_MACOS_BUNDLE_ID,        /* macos.bundle_id */
  PO_INDICATOR_MACOS_SYSTEM_EXTENSION, /* macos.system_extension */
  PO_INDICATOR_MACOS_KERNEL_EXTENSION, /* macos.kernel_extension */
  PO_INDICATOR_MACOS_PACKAGE_RECEIPT,  /* macos.package_receipt */
  PO_INDICATOR_MACOS_LAUNCHD_LABEL,    /* macos.launchd_label */
  PO_INDICATOR_MACOS_APP_NAME,         /* macos.app_name, e.g. Kaspersky.app */
  PO_INDICATOR_MACOS_PATH,             /* macos.path */
  PO_INDICATOR_KIND_N
} PoIndicatorKind;

/* how a finding was found on Linux: the collectors, and the values of
 * banned_software.source */
typedef enum {
  PO_FINDING_SOURCE_DEB,
  PO_FINDING_SOURCE_RPM,
  PO_FINDING_SOURCE_SNAP,
  PO_FINDING_SOURCE_FLATPAK,
  PO_FINDING_SOURCE_PROCESS,
  PO_FINDING_SOURCE_SYSTEMD_UNIT,
  PO_FINDING_SOURCE_PATH,
  PO_FINDING_SOURCE_KERNEL_MODULE,
  PO_FINDING_SOURCE_N
} PoFindingSource;

#define PO_FINDING_SOURCES_ALL        ((1u << PO_FINDING_SOURCE_N) - 1)
#define PO_FINDING_SOURCE_BIT(source) (1u << (source))

/* "deb", "rpm", "snap", "flatpak", "process", "systemd_unit", "path", "kernel_module" */
const gchar *po_finding_source_to_string (PoFindingSource source);
gboolean po_finding_source_from_string (const gchar *text, PoFindingSource *ret_source);

/*
 * The osquery core tables the export (src/export/) reads, one "site" each
 * (a table and what it can be asked), in the order the export joins them.
 */
typedef enum {
  PO_OSQUERY_DEB_PACKAGES,
  PO_OSQUERY_RPM_PACKAGES,
  PO_OSQUERY_SYSTEMD_UNITS,
  PO_OSQUERY_LINUX_PROCESSES,
  PO_OSQUERY_KERNEL_MODULES,
  PO_OSQUERY_PROGRAMS,
  PO_OSQUERY_UNINSTALL_KEYS,
  PO_OSQUERY_SERVICES,
  PO_OSQUERY_DRIVER_FILES,
  PO_OSQUERY_WINDOWS_PROCESSES,
  PO_OSQUERY_STORE_PACKAGES,
  PO_OSQUERY_APPS,
  PO_OSQUERY_SYSTEM_EXTENSIONS,
  PO_OSQUERY_KERNEL_EXTENSIONS,
  PO_OSQUERY_LAUNCHD,
  PO_OSQUERY_DARWIN_PROCESSES,
  PO_OSQUERY_SITE_N
} PoOsquerySite;

/* the identity a name match on a site must also carry (see po-export-gate.c) */
typedef enum {
  PO_OSQUERY_GATE_NONE,
  PO_OSQUERY_GATE_PUBLISHER,          /* programs: the row's publisher is the vendor's */
  PO_OSQUERY_GATE_TEAM_COLUMN,        /* system_extensions: the row's team is the vendor's */
  PO_OSQUERY_GATE_TEAM_SIGNATURE,     /* apps: the bundle's signature has the vendor's Team ID */
  PO_OSQUERY_GATE_DRIVER_SIGNER,      /* driver files: no third-party Authenticode signer */
  PO_OSQUERY_GATE_REGISTRY_PUBLISHER, /* uninstall keys: the key's Publisher value is the vendor's */
} PoOsqueryGate;

/* a comparison key of a site: k_... over the table's columns, normalised by rule */
typedef struct {
  const gchar *alias;
  const gchar *expr;
  PoTextRule rule;
} PoOsqueryKey;

typedef struct {
  const gchar *platform; /* the catalogue's: "linux", "windows", "macos" */
  const gchar *table;
  /* the common columns, in this order: name, version, path, signer, detail */
  const gchar *columns;
  const gchar *where;       /* constraint on the table, or NULL */
  const gchar *late_signer; /* the signer of a matched row (over t.path), or NULL */
  const gchar *late_table;  /* the table late_signer, the gate or a guard reads, or NULL */
  PoOsqueryGate gate;
  PoOsqueryKey keys[5]; /* in the order of the CASE arms; alias NULL ends */
  /* what the site reads instead of the bare table (a subquery giving the
   * table's rows for the constraints osquery needs), or NULL */
  const gchar *from;
  /* NULL: the site is in the platform's main query; else the name of a
   * query of its own ("store_apps"), for a column or table only newer
   * osquery has: a query naming it fails whole on an older agent */
  const gchar *part;
  const gchar *osquery_version; /* the oldest osquery that has what it reads, or NULL */
} PoOsquerySiteInfo;

const PoOsquerySiteInfo *po_osquery_site_get_info (PoOsquerySite site);

/* one place the export looks for a kind: a site's keys and a guard */
typedef struct {
  PoOsquerySite site;
  const gchar *keys[2]; /* aliases of the site's keys; a name matching either matches */
  const gchar *guard;   /* also required (SQL over the site's row, b.*), or NULL */
} PoIndicatorExport;

/* NULL when pattern (is_glob: it has a wildcard) may be a name of the
 * kind, else what is wrong with it */
typedef gchar *(*PoPatternCheck) (const gchar *pattern, gboolean is_glob);

typedef struct {
  const gchar *name;            /* "linux.deb_package" */
  const gchar *platform;        /* "linux", "windows", "macos" */
  const gchar *key;             /* its member in a file's indicators.<platform> */
  const gchar *doc;             /* what it is matched against (docs/policy-format.md) */
  PoTextRule rule;              /* how names compare */
  PoPatternCheck check;         /* the kind's own rule for patterns, or NULL */
  guint sources;                /* PO_FINDING_SOURCE_BIT()s of the collectors that
                                     * match it on Linux; 0: nothing on Linux does */
  PoIndicatorExport exports[3]; /* where the export looks for it; keys[0] NULL ends */
  const gchar *not_exported;    /* why the export does not look for it (exports empty) */
} PoIndicatorKindInfo;

const PoIndicatorKindInfo *po_indicator_kind_get_info (PoIndicatorKind kind);

/* "linux.deb_package" etc. */
const gchar *po_indicator_kind_to_string (PoIndicatorKind kind);
gboolean po_indicator_kind_from_string (const gchar *text, PoIndicatorKind *ret_kind);
/* "linux", "windows", "macos" */
const gchar *po_indicator_kind_get_platform (PoIndicatorKind kind);
gboolean po_indicator_kind_is_case_insensitive (PoIndicatorKind kind);

G_END_DECLS
