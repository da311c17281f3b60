/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "po-engine.h"

G_BEGIN_DECLS

typedef enum {
  PO_OUTPUT_TABLE, /* aligned columns, for people */
  PO_OUTPUT_JSON,  /* an array of objects, values typed as SQLite returned them (text) */
  PO_OUTPUT_CSV,   /* RFC 4180 */
} PoOutputFormat;

void po_cli_print_result (PoResult *result, PoOutputFormat format, GString *out);

/*
 * the readable compliance summary of `phaseout report`; ret_action_required
 * (may be NULL; untouched on failure): whether any policy is
 * action_required or overdue; ret_profile_rejected (likewise): whether the
 * organisation profile in force is not the one configured (a rejected
 * config file or option), so that no verdict can be claimed
 */
gboolean po_cli_report (PoRuntime *runtime, GString *out, gboolean *ret_action_required,
                        gboolean *ret_profile_rejected, GError **error);

/*
 * `phaseout export fleet-policies|fleet-queries|pack|sql`: the catalogue compiled to
 * osquery SQL (po-cli-export.c).  The command's own options live in a
 * PoCliExport that phaseout.c adds to the shared settings when it parses
 * the command line, then hands to po_cli_export_run(), which returns the
 * exit code (0, 1 on failure, 2 on a usage error).
 */
#define PO_CLI_EXPORT_PARAMETERS "fleet-policies | pack | sql"

typedef struct _PoCliExport PoCliExport;

PoCliExport *po_cli_export_new (void);
void po_cli_export_free (PoCliExport *command);
const GOptionEntry *po_cli_export_get_entries (PoCliExport *command);
int po_cli_export_run (PoCliExport *command, const PoSettings *settings, int argc, char **argv);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoCliExport, po_cli_export_free)

/*
 * `phaseout policy check FILE...` (po-cli-policy.c): validates the files
 * against the format and the built-in catalogue (vendor ids the files use
 * may come from the built-in data or from any of the files), without
 * permission checks.  Appends one line per file ("FILE: ok: 2 policies
 * (a, b), sha256 ...") or per problem to report.  FALSE +
 * PO_ERROR_INVALID_DATA when any file is bad (exit 1), TRUE when all are
 * good (exit 0).
 */
gboolean po_cli_policy_check (const gchar *const *files, GString *report, GError **error);

/*
 * `phaseout policy list`: the runtime's catalogue, one line per policy
 * (id, applicability for the profile at the runtime's time, origin, hash,
 * title), then the profile and any problems.  verbose adds each policy's
 * reason, scope and milestones.  FALSE + PO_ERROR_INVALID_DATA when some
 * file was rejected, a policy file or the organisation profile (the report
 * is complete all the same), so scripts can notice.
 */
gboolean po_cli_policy_list (PoRuntime *runtime, gboolean verbose, GString *report, GError **error);

/* `phaseout fleet ingest|report` (po-cli-fleet.c): its exit code */
int po_cli_fleet_run (int argc, char **argv);

G_END_DECLS
