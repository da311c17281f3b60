/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <json-glib/json-glib.h>

#include "po-fleet-store.h"

G_BEGIN_DECLS

#define PO_FLEET_SECONDS_PER_DAY G_GINT64_CONSTANT (86400)

/* ---- time (po-fleet-time.c) ---------------------------------------------- */

gint64 po_fleet_days_from_civil (gint64 year, guint month, guint day);
/* osquery's calendarTime, "Tue Sep 30 17:37:30 2014 UTC" (asctime in UTC;
 * before osquery 2.x without " UTC"), to unix seconds */
gboolean po_fleet_calendar_time_parse (const gchar *text, gint64 *ret_unix_time);
/* floor division: the day of a unix time, also before 1970 */
gint64 po_fleet_day_of (gint64 unix_time);

/* ---- one log line (po-fleet-line.c) ---------------------------------------- */

typedef enum {
  PO_FLEET_ACTION_ADDED,
  PO_FLEET_ACTION_REMOVED,
  PO_FLEET_ACTION_SNAPSHOT,
} PoFleetAction;

typedef enum {
  PO_FLEET_FORMAT_EVENT,    /* one row, "columns" and "action" */
  PO_FLEET_FORMAT_BATCH,    /* "diffResults": {"added": [...], "removed": [...]} */
  PO_FLEET_FORMAT_SNAPSHOT, /* "action": "snapshot", "snapshot": [...] */
  PO_FLEET_FORMAT_FLEETCTL, /* fleetctl query --json: {"host": ..., "rows": [...]} */
} PoFleetFormat;

typedef struct {
  PoFleetAction action;
  JsonObject *columns;
} PoFleetLineRow;

/*
 * A parsed line.  The strings and objects point into the parser's tree
 * and live until the next parse.
 *
 * full_state: the rows are everything the query returned at that time,
 * so a key no longer listed is gone: snapshots, fleetctl results, and
 * differential results with counter 0 (osquery's first run of a query in
 * an epoch logs all rows as "added" and nothing as "removed").  In the
 * event format such a result spans one line per row (deferred).
 */
typedef struct {
  PoFleetFormat format;
  const gchar *name;     /* the query name; NULL for fleetctl */
  const gchar *host_key; /* decorations.host_uuid, else hostIdentifier, else hostname */
  const gchar *hostname; /* decorations.hostname, else hostname, else hostIdentifier */
  gint64 time;           /* unix seconds; -1 when the line has none (fleetctl) */
  gint64 counter;        /* -1 when absent */
  gboolean full_state;
  GArray *rows; /* PoFleetLineRow */
} PoFleetLine;

void po_fleet_line_init (PoFleetLine *line);
void po_fleet_line_clear (PoFleetLine *line);
gboolean po_fleet_line_parse (JsonParser *parser, const gchar *data, gsize length,
                              PoFleetLine *line, GError **error);

/* a column as text whatever its JSON type (numerics=true logs numbers);
 * NULL when absent or null; buf holds numbers (at least 32 bytes) */
const gchar *po_fleet_column (JsonObject *columns, const gchar *name, gchar *buf);

/* ---- phaseout's rows (po-fleet-row.c) -------------------------------------- */

typedef enum {
  PO_FLEET_KIND_NONE = -1,
  PO_FLEET_KIND_STATUS = 0,  /* phaseout_status */
  PO_FLEET_KIND_FINDING = 1, /* banned_software */
  PO_FLEET_KIND_SEEN = 2,    /* phaseout_info and the pack's other queries: the host reports */
} PoFleetKind;

PoFleetKind po_fleet_kind_from_name (const gchar *name);
PoFleetKind po_fleet_kind_from_columns (JsonObject *columns);

/* the value of a key in a run; present FALSE is absence */
typedef struct {
  gboolean present;
  gchar *status;   /* status rows */
  gint64 findings; /* status rows; -1 for NULL */
  gchar *detail;   /* the deadline (YYYY-MM-DD) of a status, the product of a finding */
} PoFleetValue;

void po_fleet_value_clear (PoFleetValue *value);
void po_fleet_value_copy (PoFleetValue *dest, const PoFleetValue *src);
gboolean po_fleet_value_equal (const PoFleetValue *a, const PoFleetValue *b);

/* from a row of kind STATUS or FINDING: the key (policy_id, item), the
 * value and the engine column (NULL when the row has none); FALSE with
 * the reason when the row cannot be used */
gboolean po_fleet_row_read (PoFleetKind kind, JsonObject *columns, gchar **ret_policy_id,
                            gchar **ret_item, PoFleetValue *ret_value, gchar **ret_engine,
                            GError **error);

/* "2024-09-29T00:00:00-04:00", "2024-09-29" -> "2024-09-29"; NULL otherwise */
gchar *po_fleet_date_normalize (const gchar *text);

/* ---- the runs (po-fleet-runs.c) -------------------------------------------- */

typedef struct _PoFleetRuns PoFleetRuns;

PoFleetRuns *po_fleet_runs_new (PoFleetStore *store, GError **error);
void po_fleet_runs_free (PoFleetRuns *runs);
/* an observation of a key of a host at time t */
gboolean po_fleet_runs_observe (PoFleetRuns *runs, PoFleetKind kind, const gchar *host_key,
                                const gchar *policy_id, const gchar *item, gint64 t,
                                const PoFleetValue *value, gboolean full_state, GError **error);
/* a full-state result of the host's kind at t begins (rows follow with
 * full_state TRUE); keys it does not list become absent at t when it ends:
 * at po_fleet_runs_end_full_state, at the next line of the host's kind
 * with another time, or at a flush */
gboolean po_fleet_runs_begin_full_state (PoFleetRuns *runs, PoFleetKind kind, const gchar *host_key,
                                         gint64 t, GError **error);
gboolean po_fleet_runs_end_full_state (PoFleetRuns *runs, PoFleetKind kind, const gchar *host_key,
                                       GError **error);
/* the line of a host's kind at t that is not full state: ends a pending one at another time */
gboolean po_fleet_runs_touch (PoFleetRuns *runs, PoFleetKind kind, const gchar *host_key, gint64 t,
                              GError **error);
/* every key of the host's kind under policy_id absent at t (a status row
 * with no findings: banned_software has no row of that policy then, and a
 * snapshot logged one row per line says nothing when it is empty) */
gboolean po_fleet_runs_clear_policy (PoFleetRuns *runs, PoFleetKind kind, const gchar *host_key,
                                     const gchar *policy_id, gint64 t, GError **error);
/* writes every changed run (inside the caller's transaction) */
gboolean po_fleet_runs_flush (PoFleetRuns *runs, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoFleetRuns, po_fleet_runs_free)

/* ---- the projection (po-fleet-projection.c) ------------------------------- */

/* the least-squares line through the last trend_days points of the
 * burn-down; the day it reaches zero (never before the day after the
 * last point), or G_MININT64 when it does not fall */
gint64 po_fleet_projection_zero (const PoFleetBurnPoint *points, guint n_points, guint trend_days);

/* ---- the chart (po-fleet-svg.c) -------------------------------------------- */

void po_fleet_svg_burn_down (const PoFleetPolicyReport *policy, gint64 as_of, GString *out);
void po_fleet_svg_status_bar (const PoFleetPolicyReport *policy, GString *out);
/* the colour of a bucket, for the chart, the bar and the legend */
const gchar *po_fleet_bucket_colour (PoFleetBucket bucket);

G_END_DECLS
