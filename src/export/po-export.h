/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "po-catalogue.h"

G_BEGIN_DECLS

/*
 * The policy catalogue compiled to plain osquery SQL, for endpoints that
 * cannot load phaseout.ext (Windows, macOS, or any osqueryd without the
 * extension).  For one policy and one platform the compiler builds a query
 * over osquery's own core tables that lists the findings, from the
 * indicators of every product the policy covers (and the vendor-wide ones
 * for policies that cover every category); nothing is written per vendor.
 * docs/export.md is the user's guide, with the rules per platform.
 *
 * Every query returns the same columns:
 *
 *   source   the osquery table the row came from ("programs", "file", ...)
 *   name     what was found (program, package, service, driver file, ...)
 *   version  its version, where the table has one
 *   path     its path, where the table has one
 *   signer   publisher, Authenticode signer, Team ID or maintainer
 *   detail   state worth knowing (package status, service type, ...)
 *   matched  which indicator matched: "kaspersky/kesl (antivirus):
 *            linux.deb_package", "kaspersky (vendor-wide):
 *            windows.publisher *kaspersky*"
 *
 * The policy form, for Fleet, returns one row when the host is compliant
 * and none when something was found (a Fleet policy passes when its query
 * returns a row):  SELECT 1 WHERE NOT EXISTS (<findings>).
 */

typedef enum {
  PO_EXPORT_PLATFORM_LINUX,
  PO_EXPORT_PLATFORM_WINDOWS,
  PO_EXPORT_PLATFORM_DARWIN,
  PO_EXPORT_PLATFORM_N
} PoExportPlatform;

#define PO_EXPORT_PLATFORMS_ALL ((1u << PO_EXPORT_PLATFORM_N) - 1)

/* osquery's and Fleet's names: "linux", "windows", "darwin" */
const gchar *po_export_platform_to_string (PoExportPlatform platform);
/* the above, "macos" for darwin, or "all" (every platform); ret_mask gets
 * a bit (1 << platform) per platform named; untouched on FALSE */
gboolean po_export_platform_parse (const gchar *text, guint *ret_mask);
/* "Linux", "Windows", "macOS" */
const gchar *po_export_platform_get_title (PoExportPlatform platform);
/* the catalogue's platform name: "linux", "windows", "macos" */
const gchar *po_export_platform_get_catalogue_name (PoExportPlatform platform);

/* ---- one policy on one platform ------------------------------------------ */

typedef struct _PoExportQuery PoExportQuery;

/*
 * Compiles policy (of catalogue) for platform.  Cannot fail: a catalogue
 * is valid once loaded.  Holds a reference to the catalogue.
 */
PoExportQuery *po_export_query_new (PoCatalogue *catalogue, PoPolicy *policy,
                                    PoExportPlatform platform);
/*
 * The same for one part of the platform's SQL: NULL is the main query;
 * the others (po_export_platform_get_parts()) read a column or table only
 * newer osquery has, so they are queries of their own: on an older agent
 * a query naming what it lacks fails as a whole, and only that one fails.
 */
PoExportQuery *po_export_query_new_part (PoCatalogue *catalogue, PoPolicy *policy,
                                         PoExportPlatform platform, const gchar *part);
/* the platform's parts besides the main query ("store_apps" on Windows),
 * NULL-terminated */
const gchar *const *po_export_platform_get_parts (PoExportPlatform platform);
/* the oldest osquery that runs a part's query ("5.17.0"), or NULL */
const gchar *po_export_part_get_osquery_version (const gchar *part);
void po_export_query_free (PoExportQuery *query);

PoPolicy *po_export_query_get_policy (PoExportQuery *query);
/* NULL for the main query, else the part ("store_apps") */
const gchar *po_export_query_get_part (PoExportQuery *query);
PoExportPlatform po_export_query_get_platform (PoExportQuery *query);
/* the findings query; NULL when none of the covered indicators can be seen
 * through osquery's core tables on this platform */
const gchar *po_export_query_get_findings_sql (PoExportQuery *query);
/* SELECT 1 WHERE NOT EXISTS (findings): a row when compliant.  Only
 * verified and corroborated indicators: a weak one (one source) is listed
 * by the findings query, its matched label ending in " [weak]", but fails
 * no host.  NULL when there is nothing but weak indicators, or nothing */
const gchar *po_export_query_get_policy_sql (PoExportQuery *query);
/* the osquery tables the SQL reads, NULL-terminated, in first-use order */
const gchar *const *po_export_query_get_tables (PoExportQuery *query);
/* how many indicators the SQL looks for */
guint po_export_query_get_n_indicators (PoExportQuery *query);
/* how many of them are weak: in the findings query, not the policy query */
guint po_export_query_get_n_unconfirmed (PoExportQuery *query);
/* names of the covered products that have indicators on this platform */
const gchar *const *po_export_query_get_products (PoExportQuery *query);
/* how to remove each covered product on this platform, from the catalogue:
 * "TikTok: Get-AppxPackage ...", one line per text, NULL-terminated */
const gchar *const *po_export_query_get_remediations (PoExportQuery *query);
/* whether vendor-wide indicators are in (the policy covers every category) */
gboolean po_export_query_get_vendor_wide (PoExportQuery *query);
/*
 * One line per covered indicator of this platform that the SQL does not
 * look for, with the reason (a kind no core table shows, or one used only
 * to confirm a signer); empty when there are none.
 */
const gchar *po_export_query_get_notes (PoExportQuery *query);

/*
 * The detailed form, for phaseout_status and banned_software in SQL
 * (po-export-status.c): one CASE arm per indicator, and the findings
 * query's columns are banned_software's
 *
 *   source  deb, rpm, systemd_unit, process, kernel_module, path (Linux, as
 *           the extension names them); program, service, driver (Windows);
 *           app, system_extension, kernel_extension, launchd (macOS)
 *   name, version, path, pid, signer, detail
 *   arm     the number of the arm that matched (po_export_query_get_arms())
 *
 * On Linux it also probes the linux.path indicators through osquery's file
 * table, as the extension probes them beneath the root: DIR/STAR reports
 * DIR when it holds anything, other patterns each path they match, and a
 * vendor-wide path is left out when a product's lies at or beneath it.
 */
typedef struct {
  PoVendor *vendor;
  PoProduct *product; /* NULL: vendor-wide */
  const PoIndicator *indicator;
} PoExportArm;

PoExportQuery *po_export_query_new_detailed (PoCatalogue *catalogue, PoPolicy *policy,
                                             PoExportPlatform platform);
/* the detailed form's arms, by number; none in the plain form */
const PoExportArm *po_export_query_get_arms (PoExportQuery *query, guint *ret_n_arms);

/* ---- the extension's tables in plain SQL (po-export-status.c) ------------- */

typedef enum {
  PO_EXPORT_TABLE_STATUS,          /* phaseout_status */
  PO_EXPORT_TABLE_BANNED_SOFTWARE, /* banned_software */
  PO_EXPORT_TABLE_N
} PoExportTable;

/* "phaseout_status", "banned_software" */
const gchar *po_export_table_to_string (PoExportTable table);
gboolean po_export_table_parse (const gchar *text, PoExportTable *ret_table);

/*
 * One query over osquery's core tables (and its time table) that returns
 * the extension's table for platform: exactly its columns in its order,
 * then engine ('sql').  phaseout_status: one row per policy of policies
 * (PoPolicy*, NULL: every policy of the catalogue); banned_software: one
 * row per finding per applicable policy.  Applicability and reasons are
 * decided now for profile (NULL: none configured), as po_policy_evaluate()
 * decides them, except whether the policy is issued yet; that, the next
 * milestone, days_remaining, status and the action line are computed when
 * the query runs, from osquery's time table.  History columns are NULL.
 * Per-indicator notes go to notes (may be NULL).  Never NULL.
 */
gchar *po_export_table_sql (PoCatalogue *catalogue, GPtrArray *policies, PoProfile *profile,
                            PoExportPlatform platform, PoExportTable table, GString *notes);

/* ---- whole exports -------------------------------------------------------- */

/*
 * The longest interval osquery schedules: it drops a pack query whose
 * interval is 0 or above this, with only a warning in its log
 * (kMaxQueryInterval and Pack::initialize in osquery/config/packs.cpp,
 * osquery commit a5b14f63d98c0d4992ab8ae07d933e0d5ff008df).
 */
#define PO_EXPORT_PACK_MAX_INTERVAL 604800

/* the three files Fleet reads policies and queries from */
typedef enum {
  PO_EXPORT_FLEET_APPLY,      /* `fleetctl apply -f`: documents of kind policy or query */
  PO_EXPORT_FLEET_GITOPS,     /* `fleetctl gitops`: the policies: or queries: key of
                                * default.yml or a team's file */
  PO_EXPORT_FLEET_GITOPS_LIB, /* `fleetctl gitops`: a bare list, the file named by
                                * `policies: - path:` (lib/NAME.policies.yml) */
} PoExportFleetFormat;

typedef struct {
  guint platforms;                  /* bit mask of 1 << PoExportPlatform; 0 means all */
  const gchar *team;                /* Fleet: spec.team (Fleet Premium), or NULL for global */
  guint interval;                   /* pack: seconds between runs, at most
                            * PO_EXPORT_PACK_MAX_INTERVAL; 0 means 3600 */
  gboolean snapshot;                /* pack: snapshot results instead of differential */
  PoExportFleetFormat fleet_format; /* Fleet: which file; team is for APPLY only */
  gboolean tables;                  /* pack: also phaseout_status and banned_software in SQL,
                            * one pack per platform (po-export-status.c) */
  PoProfile *profile;               /* pack with tables, Fleet queries: the profile applicability
                            * is decided for; NULL: none configured */
} PoExportOptions;

/*
 * Fleet policies, one per policy and platform, in policy id order then
 * platform order (po-export-fleet.c).  options->fleet_format picks the file:
 *
 *   - APPLY, for `fleetctl apply -f`: YAML documents (apiVersion v1, kind
 *     policy), each starting with a "---" line; `fleetctl apply` splits the
 *     file at every line starting with "---" and requires kind and spec in
 *     every piece, so nothing (not even a comment) comes before the first;
 *   - GITOPS: a file whose one key is policies:, the list, to be put into
 *     default.yml or a team's file (Fleet needs that file's other keys);
 *   - GITOPS_LIB: the list alone, the file a `policies: - path:` entry names.
 *
 * In both GitOps forms every '$' is escaped as Fleet reads it back ("\$"):
 * Fleet expands $VAR and ${VAR} in the file first.
 *
 * policies: PoPolicy* (NULL: every policy of the catalogue).  Pairs with
 * nothing to look for are left out, with a line in notes (may be NULL), as
 * are the per-indicator notes.  Fails with PO_ERROR_NOT_FOUND when nothing
 * at all is left to write, PO_ERROR_INVALID_ARGUMENT for a team with a
 * GitOps form (the file that holds the list sets the team).
 */
gboolean po_export_fleet_policies (PoCatalogue *catalogue, GPtrArray *policies,
                                   const PoExportOptions *options, GString *out, GString *notes,
                                   GError **error);

/*
 * Fleet queries: phaseout_status and banned_software in SQL
 * (po_export_table_sql() for options->profile) for each selected platform,
 * named po_export_fleet_query_name(), scheduled every options->interval
 * seconds with snapshot logging and their data kept, so that their results
 * land in Fleet's query reports.  Kinds and files as above (kind query; the
 * GitOps key queries:, which Fleet reads as reports: since it renamed it).
 * Fails with PO_ERROR_INVALID_ARGUMENT for an interval osquery would not
 * schedule, or a team with a GitOps form.
 */
gboolean po_export_fleet_queries (PoCatalogue *catalogue, GPtrArray *policies,
                                  const PoExportOptions *options, GString *out, GString *notes,
                                  GError **error);

/* "phaseout (Windows): phaseout_status": the name ends with the table's,
 * which is how `phaseout fleet ingest` knows the rows Fleet logs */
gchar *po_export_fleet_query_name (PoExportPlatform platform, PoExportTable table);

/*
 * An osquery query pack (JSON): {"queries": {"phaseout_<policy>_<platform>":
 * {"query", "interval", "platform", "description", "snapshot"?}}}, the
 * queries listing the findings.  Same selection and failure as above;
 * PO_ERROR_INVALID_ARGUMENT for an interval osquery would not schedule.
 *
 * With options->tables, each platform gets a pack of its own ({"platform":
 * P, "queries": {...}}) that also holds the queries "phaseout_status" and
 * "banned_software" (po_export_table_sql() for options->profile): the
 * names are the tables' on every platform, and a pack's query names must
 * be unique.  One platform: that pack; several: an osquery configuration
 * {"packs": {"phaseout-linux": {...}, "phaseout-windows": {...}, ...}}
 * with the packs inline (osquery's Config::updateSource reads a "packs"
 * member whose value is an object as the pack itself,
 * osquery/config/config.cpp, commit a5b14f63d98c0d4992ab8ae07d933e0d5ff008df).
 */
gboolean po_export_pack (PoCatalogue *catalogue, GPtrArray *policies,
                         const PoExportOptions *options, GString *out, GString *notes,
                         GError **error);

/* the pack's query name for a policy and platform */
gchar *po_export_pack_query_name (PoPolicy *policy, PoExportPlatform platform);

/* ---- helpers, public for their tests ------------------------------------- */

/* 'text' as an SQL string literal: quotes doubled */
gchar *po_export_sql_literal (const gchar *text);
/* a catalogue glob as the body of LIKE '...' ESCAPE '\': '*' -> '%',
 * '?' -> '_', and '%', '_', '\' escaped with '\' (not quoted) */
gchar *po_export_glob_to_like (const gchar *glob);
/* a catalogue glob as the body of GLOB '...' (case-sensitive); '[' is
 * bracketed so it is taken literally (not quoted) */
gchar *po_export_glob_to_glob (const gchar *glob);
/*
 * value as a YAML scalar to follow "key: " at a mapping indented by indent
 * spaces: a literal block (|-) for multi-line text that can be one safely,
 * else a double-quoted string using only escapes JSON has too.
 */
gchar *po_export_yaml_scalar (const gchar *value, guint indent);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoExportQuery, po_export_query_free)

G_END_DECLS
