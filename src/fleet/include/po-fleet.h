/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The fleet view (docs/fleet.md): osquery's result logs of phaseout's
 * tables, from every host, turned into compliance over time.
 *
 *   store   where the fleet's history lives: a SQLite file, or a
 *           PostgreSQL database named by a postgresql:// URI; the same
 *           tables and the same SQL on both
 *   ingest  reads result-log lines (every format osqueryd writes, Fleet's
 *           forwarded lines, fleetctl query --json) into the store;
 *           idempotent, streaming, and it never stops on a bad line
 *   report  per policy at a date: hosts per status, stale hosts, the
 *           burn-down, the projected date of zero, products, hosts
 */

#define PO_FLEET_ERROR (po_fleet_error_quark ())

typedef enum {
  PO_FLEET_ERROR_FAILED,
  PO_FLEET_ERROR_INVALID_ARGUMENT, /* a flag or URI that makes no sense */
  PO_FLEET_ERROR_INVALID_DATA,     /* a log line that is not what it should be */
  PO_FLEET_ERROR_STORE,            /* the database said no */
} PoFleetError;

GQuark po_fleet_error_quark (void);

/* ---- the store --------------------------------------------------------- */

typedef struct _PoFleetStore PoFleetStore;

/* db: a file name (SQLite, created when missing) or a postgresql:// or
 * postgres:// URI (libpq); creates phaseout's tables when missing */
PoFleetStore *po_fleet_store_open (const gchar *db, GError **error);
void po_fleet_store_close (PoFleetStore *store);
/* "sqlite" or "postgresql" */
const gchar *po_fleet_store_get_kind (PoFleetStore *store);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoFleetStore, po_fleet_store_close)

/* ---- ingest ------------------------------------------------------------ */

typedef struct {
  guint64 files;          /* files (or stdin) read */
  guint64 lines;          /* lines read in this run (resumed files: only the new ones) */
  guint64 phaseout_lines; /* lines of phaseout's queries */
  guint64 rows;           /* rows of phaseout's tables in them */
  guint64 ignored;        /* lines of other queries: not phaseout's, left alone */
  guint64 malformed;      /* lines that could not be used: reported, skipped */
  guint64 bad_rows;       /* rows of a good line that could not be used */
  guint64 incomplete;     /* a last line without its newline, left for the next run */
  guint64 resumed_bytes;  /* bytes skipped because an earlier run read them */
} PoFleetIngestStats;

/* where is "FILE:LINE" */
typedef void (*PoFleetProblemFunc) (const gchar *where, const gchar *message, gpointer user_data);

typedef struct _PoFleetIngest PoFleetIngest;

PoFleetIngest *po_fleet_ingest_new (PoFleetStore *store);
void po_fleet_ingest_free (PoFleetIngest *ingest);
void po_fleet_ingest_set_problem_func (PoFleetIngest *ingest, PoFleetProblemFunc func,
                                       gpointer user_data);
/* the time of lines that carry none (fleetctl query --json); by default
 * the file's modification time, or now for stdin */
void po_fleet_ingest_set_observed_at (PoFleetIngest *ingest, gint64 unix_time);
/* path "-" is standard input; FALSE only when the file cannot be read or
 * the store fails: bad lines are counted and reported, never fatal */
gboolean po_fleet_ingest_path (PoFleetIngest *ingest, const gchar *path, GError **error);
/* one line (no newline), for tests and the fuzzer; where names it */
gboolean po_fleet_ingest_line (PoFleetIngest *ingest, const gchar *data, gsize length,
                               const gchar *where, GError **error);
/* writes what is still in memory and commits */
gboolean po_fleet_ingest_finish (PoFleetIngest *ingest, GError **error);
const PoFleetIngestStats *po_fleet_ingest_get_stats (PoFleetIngest *ingest);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoFleetIngest, po_fleet_ingest_free)

/* ---- report ------------------------------------------------------------ */

typedef enum {
  PO_FLEET_BUCKET_COMPLIANT,
  PO_FLEET_BUCKET_ACTION_REQUIRED,
  PO_FLEET_BUCKET_OVERDUE,
  PO_FLEET_BUCKET_ADVISORY,
  PO_FLEET_BUCKET_NOT_APPLICABLE,
  PO_FLEET_BUCKET_STALE,
  PO_FLEET_BUCKET_N
} PoFleetBucket;

/* "compliant", ..., "stale" */
const gchar *po_fleet_bucket_to_string (PoFleetBucket bucket);

typedef struct {
  gint64 day; /* days since 1970-01-01, UTC */
  guint hosts_with_findings;
} PoFleetBurnPoint;

typedef struct {
  gchar *product;
  guint hosts;
} PoFleetProduct;

/* the strings belong to the report (PoFleetReport.strings) */
typedef struct {
  gchar *host_key; /* decorations.host_uuid, else hostIdentifier */
  gchar *hostname;
  gchar *engine;   /* extension or sql; NULL when the rows did not say */
  gchar *status;   /* as the host last reported it */
  gchar *deadline; /* YYYY-MM-DD or NULL */
  gint64 findings;
  gint64 last_seen;     /* unix time of its last report up to the as-of day */
  PoFleetBucket bucket; /* its status, or stale */
} PoFleetHost;

typedef struct {
  gchar *policy_id;
  gchar *deadline; /* YYYY-MM-DD: the latest deadline the hosts report; NULL for none */
  guint hosts_total;
  guint hosts[PO_FLEET_BUCKET_N];
  GArray *burn_down;     /* PoFleetBurnPoint, one per day, oldest first */
  gint64 projected_zero; /* a day, or G_MININT64 when the trend does not fall */
  gboolean zero_reached; /* the count is already zero on the as-of day */
  GPtrArray *products;   /* PoFleetProduct, most hosts first */
  GPtrArray *hosts_list; /* PoFleetHost, by host name */
} PoFleetPolicyReport;

typedef struct {
  gint64 as_of; /* a day */
  guint stale_days;
  guint trend_days; /* days of burn-down the projection is fitted on */
  gchar *store_kind;
  GPtrArray *policies;   /* PoFleetPolicyReport, by policy id */
  GStringChunk *strings; /* the hosts' strings, each once */
} PoFleetReport;

#define PO_FLEET_DEFAULT_STALE_DAYS 7
#define PO_FLEET_TREND_DAYS         14

PoFleetReport *po_fleet_report_build (PoFleetStore *store, gint64 as_of_day, guint stale_days,
                                      GError **error);
void po_fleet_report_free (PoFleetReport *report);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoFleetReport, po_fleet_report_free)

void po_fleet_report_render_text (const PoFleetReport *report, GString *out);
void po_fleet_report_render_json (const PoFleetReport *report, GString *out);
void po_fleet_report_render_csv (const PoFleetReport *report, GString *out);
/* one self-contained page: inline CSS and SVG, no script, no external file */
void po_fleet_report_render_html (const PoFleetReport *report, GString *out);

/* the JSON form in pieces of about 64 KiB, for a fleet's worth of hosts
 * without the whole text in memory; FALSE when write did */
typedef gboolean (*PoFleetWriteFunc) (const gchar *data, gsize length, gpointer user_data);
gboolean po_fleet_report_write_json (const PoFleetReport *report, PoFleetWriteFunc write,
                                     gpointer user_data);

/* ---- days -------------------------------------------------------------- */

/* YYYY-MM-DD to days since 1970-01-01; FALSE (ret untouched) when it is not one */
gboolean po_fleet_day_parse (const gchar *text, gint64 *ret_day);
/* days since 1970-01-01 to YYYY-MM-DD, in buf (at least 16 bytes) */
gchar *po_fleet_day_format (gint64 day, gchar *buf);

G_END_DECLS
