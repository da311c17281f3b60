/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `phaseout fleet ingest`: result-log lines into the store.
 *
 * Streaming: a file is read in blocks and split into lines; a line is
 * parsed, turned into observations (po-fleet-runs.c) and dropped.  Memory
 * is the block, one line (at most PO_FLEET_MAX_LINE), the recent hosts'
 * latest runs (bounded) and SQLite's page cache.
 *
 * Idempotent and resumable: a file is known by the SHA-256 of its first
 * line, which a rotated file keeps and a truncated or new one does not.
 * The store records how far it was read and the SHA-256 of the 4 KiB
 * before that point; a second run goes on from there when both still
 * match, and reads the file again from its start otherwise (the runs make
 * a line read twice change nothing).  The point moves with every commit,
 * every PO_FLEET_COMMIT_LINES lines, in the same transaction as what the
 * lines brought.
 *
 * A line that cannot be used is counted and reported with FILE:LINE, and
 * skipped.  A last line without its newline is a line osqueryd is still
 * writing: it is read when it parses, and left for the next run otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "po-fleet-internal.h"

#define PO_FLEET_BLOCK (1 << 20)
/* a snapshot line of one host is a few kB; 4 MiB is far beyond any */
#define PO_FLEET_MAX_LINE     (4 << 20)
#define PO_FLEET_COMMIT_LINES 100000
#define PO_FLEET_TAIL         4096
#define PO_FLEET_MAX_HOSTS    50000

typedef struct {
  gchar *hostname;
  gchar *engine;
  gint64 first_seen;
  gint64 last_seen;
  gint64 engine_t;
  gboolean dirty;
  gint64 day;        /* the day of day_last_t */
  gint64 day_last_t; /* the host's last report on that day */
  gboolean day_dirty;
} HostInfo;

struct _PoFleetIngest {
  PoFleetStore *store;
  PoFleetRuns *runs;
  JsonParser *parser;
  PoFleetLine line;
  GHashTable *hosts; /* host_key -> HostInfo */
  PoFleetStmt *upsert_host;
  PoFleetStmt *upsert_seen;
  PoFleetStmt *host_by_name;
  PoFleetStmt *file_get;
  PoFleetStmt *file_put;
  PoFleetIngestStats stats;
  PoFleetProblemFunc problem_func;
  gpointer problem_data;
  gint64 observed_at;      /* --observed-at, or -1 */
  gint64 file_observed_at; /* for the file being read */
  guint64 uncommitted;
  gboolean ready; /* statements prepared, transaction open */
};

static void
host_info_free (gpointer data)
{
  HostInfo *info = data;

  g_free (info->hostname);
  g_free (info->engine);
  g_free (info);
}

PoFleetIngest *
po_fleet_ingest_new (PoFleetStore *store)
{
  PoFleetIngest *ingest = g_new0 (PoFleetIngest, 1);

  ingest->store = store;
  ingest->parser = json_parser_new_immutable ();
  po_fleet_line_init (&ingest->line);
  ingest->hosts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, host_info_free);
  ingest->observed_at = -1;
  return ingest;
}

void
po_fleet_ingest_free (PoFleetIngest *ingest)
{
  if (ingest == NULL)
    return;
  if (ingest->store->in_transaction)
    po_fleet_store_rollback (ingest->store);
  g_clear_pointer (&ingest->runs, po_fleet_runs_free);
  g_clear_object (&ingest->parser);
  po_fleet_line_clear (&ingest->line);
  g_clear_pointer (&ingest->hosts, g_hash_table_unref);
  g_clear_pointer (&ingest->upsert_host, po_fleet_stmt_free);
  g_clear_pointer (&ingest->upsert_seen, po_fleet_stmt_free);
  g_clear_pointer (&ingest->host_by_name, po_fleet_stmt_free);
  g_clear_pointer (&ingest->file_get, po_fleet_stmt_free);
  g_clear_pointer (&ingest->file_put, po_fleet_stmt_free);
  g_free (ingest);
}

void
po_fleet_ingest_set_problem_func (PoFleetIngest *ingest, PoFleetProblemFunc func,
                                  gpointer user_data)
{
  ingest->problem_func = func;
  ingest->problem_data = user_data;
}

void
po_fleet_ingest_set_observed_at (PoFleetIngest *ingest, gint64 unix_time)
{
  ingest->observed_at = unix_time;
}

const PoFleetIngestStats *
po_fleet_ingest_get_stats (PoFleetIngest *ingest)
{
  return &ingest->stats;
}

static void
problem (PoFleetIngest *ingest, const gchar *where, const gchar *message)
{
  if (ingest->problem_func != NULL)
    ingest->problem_func (where, message, ingest->problem_data);
}

static gboolean
ensure_ready (PoFleetIngest *ingest, GError **error)
{
  PoFleetStore *store = ingest->store;

  if (ingest->ready)
    return TRUE;
  if (ingest->runs == NULL)
    {
      ingest->runs = po_fleet_runs_new (store, error);
      if (ingest->runs == NULL)
        return FALSE;
      /* the name and engine of the host's latest report win */
      ingest->upsert_host = po_fleet_stmt_new (
        store,
        "INSERT INTO po_fleet_host (host_key, hostname, engine, first_seen, last_seen)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (host_key) DO UPDATE SET"
        " hostname = CASE WHEN excluded.last_seen >= po_fleet_host.last_seen"
        "   THEN excluded.hostname ELSE po_fleet_host.hostname END,"
        " engine = CASE WHEN excluded.engine IS NOT NULL"
        "   AND (po_fleet_host.engine IS NULL OR excluded.last_seen >= po_fleet_host.last_seen)"
        "   THEN excluded.engine ELSE po_fleet_host.engine END,"
        " first_seen = CASE WHEN excluded.first_seen < po_fleet_host.first_seen"
        "   THEN excluded.first_seen ELSE po_fleet_host.first_seen END,"
        " last_seen = CASE WHEN excluded.last_seen > po_fleet_host.last_seen"
        "   THEN excluded.last_seen ELSE po_fleet_host.last_seen END",
        error);
      if (ingest->upsert_host == NULL)
        return FALSE;
      ingest->upsert_seen = po_fleet_stmt_new (
        store,
        "INSERT INTO po_fleet_seen (host_key, day, last_t) VALUES ($1, $2, $3)"
        " ON CONFLICT (host_key, day) DO UPDATE SET"
        " last_t = CASE WHEN excluded.last_t > po_fleet_seen.last_t"
        "   THEN excluded.last_t ELSE po_fleet_seen.last_t END",
        error);
      if (ingest->upsert_seen == NULL)
        return FALSE;
      ingest->host_by_name = po_fleet_stmt_new (
        store,
        "SELECT host_key FROM po_fleet_host WHERE hostname = $1 ORDER BY last_seen DESC LIMIT 1",
        error);
      if (ingest->host_by_name == NULL)
        return FALSE;
      ingest->file_get = po_fleet_stmt_new (
        store, "SELECT read_to, lines, tail_sha256 FROM po_fleet_file WHERE file_key = $1", error);
      if (ingest->file_get == NULL)
        return FALSE;
      ingest->file_put = po_fleet_stmt_new (
        store,
        "INSERT INTO po_fleet_file (file_key, path, read_to, lines, tail_sha256, read_at)"
        " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (file_key) DO UPDATE SET"
        " path = excluded.path, read_to = excluded.read_to, lines = excluded.lines,"
        " tail_sha256 = excluded.tail_sha256, read_at = excluded.read_at",
        error);
      if (ingest->file_put == NULL)
        return FALSE;
    }
  if (!po_fleet_store_begin (store, error))
    return FALSE;
  ingest->ready = TRUE;
  return TRUE;
}

static gboolean
write_hosts (PoFleetIngest *ingest, GError **error)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, ingest->hosts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      HostInfo *info = value;

      if (info->dirty)
        {
          po_fleet_stmt_bind_text (ingest->upsert_host, 1, key);
          po_fleet_stmt_bind_text (ingest->upsert_host, 2, info->hostname);
          po_fleet_stmt_bind_text (ingest->upsert_host, 3, info->engine);
          po_fleet_stmt_bind_int64 (ingest->upsert_host, 4, info->first_seen);
          po_fleet_stmt_bind_int64 (ingest->upsert_host, 5, info->last_seen);
          if (!po_fleet_stmt_run (ingest->upsert_host, error))
            return FALSE;
          info->dirty = FALSE;
        }
      if (info->day_dirty)
        {
          po_fleet_stmt_bind_text (ingest->upsert_seen, 1, key);
          po_fleet_stmt_bind_int64 (ingest->upsert_seen, 2, info->day);
          po_fleet_stmt_bind_int64 (ingest->upsert_seen, 3, info->day_last_t);
          if (!po_fleet_stmt_run (ingest->upsert_seen, error))
            return FALSE;
          info->day_dirty = FALSE;
        }
    }
  return TRUE;
}

/* everything in memory into the open transaction */
static gboolean
flush (PoFleetIngest *ingest, GError **error)
{
  if (!po_fleet_runs_flush (ingest->runs, error) || !write_hosts (ingest, error))
    return FALSE;
  if (g_hash_table_size (ingest->hosts) > PO_FLEET_MAX_HOSTS)
    g_hash_table_remove_all (ingest->hosts);
  return TRUE;
}

/* a report of the host at t: its name, engine, first and last report, and the day */
static gboolean
note_host (PoFleetIngest *ingest, const gchar *host_key, const gchar *hostname, gint64 t,
           const gchar *engine, GError **error)
{
  HostInfo *info = g_hash_table_lookup (ingest->hosts, host_key);
  gint64 day = po_fleet_day_of (t);

  if (info == NULL)
    {
      info = g_new0 (HostInfo, 1);
      info->first_seen = info->last_seen = t;
      info->hostname = g_strdup (hostname);
      info->day = day;
      info->day_last_t = t;
      info->dirty = info->day_dirty = TRUE;
      g_hash_table_insert (ingest->hosts, g_strdup (host_key), info);
    }
  if (t >= info->last_seen && g_strcmp0 (info->hostname, hostname) != 0)
    {
      g_free (info->hostname);
      info->hostname = g_strdup (hostname);
      info->dirty = TRUE;
    }
  if (t < info->first_seen)
    {
      info->first_seen = t;
      info->dirty = TRUE;
    }
  if (t > info->last_seen)
    {
      info->last_seen = t;
      info->dirty = TRUE;
    }
  if (engine != NULL && (info->engine == NULL || t >= info->engine_t)
      && g_strcmp0 (info->engine, engine) != 0)
    {
      g_free (info->engine);
      info->engine = g_strdup (engine);
      info->engine_t = t;
      info->dirty = TRUE;
    }
  if (day != info->day)
    {
      /* another day: the one in memory goes to the store now */
      if (info->day_dirty)
        {
          po_fleet_stmt_bind_text (ingest->upsert_seen, 1, host_key);
          po_fleet_stmt_bind_int64 (ingest->upsert_seen, 2, info->day);
          po_fleet_stmt_bind_int64 (ingest->upsert_seen, 3, info->day_last_t);
          if (!po_fleet_stmt_run (ingest->upsert_seen, error))
            return FALSE;
        }
      info->day = day;
      info->day_last_t = t;
      info->day_dirty = TRUE;
    }
  else if (t > info->day_last_t)
    {
      info->day_last_t = t;
      info->day_dirty = TRUE;
    }
  return TRUE;
}

/* fleetctl names hosts by hostname: the host of that name when known */
static gchar *
fleetctl_host_key (PoFleetIngest *ingest, const gchar *hostname, GError **error)
{
  GHashTableIter iter;
  gpointer key, value;
  gboolean row;
  gchar *found = NULL;

  g_hash_table_iter_init (&iter, ingest->hosts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_strcmp0 (((HostInfo *) value)->hostname, hostname) == 0)
      return g_strdup (key);
  po_fleet_stmt_bind_text (ingest->host_by_name, 1, hostname);
  if (!po_fleet_stmt_step (ingest->host_by_name, &row, error))
    {
      po_fleet_stmt_reset (ingest->host_by_name);
      return NULL;
    }
  found = g_strdup (row ? po_fleet_stmt_text (ingest->host_by_name, 0) : hostname);
  po_fleet_stmt_reset (ingest->host_by_name);
  return found;
}

/* FALSE only for a store failure; a bad line is reported and counted */
static gboolean
process_line (PoFleetIngest *ingest, const gchar *data, gsize length, const gchar *where,
              GError **error)
{
  PoFleetLine *line = &ingest->line;
  g_autoptr (GError) line_error = NULL;
  g_autofree gchar *host_key = NULL;
  g_autofree gchar *engine = NULL;
  PoFleetKind kind;
  gboolean full_state;
  gint64 t;

  if (!po_fleet_line_parse (ingest->parser, data, length, line, &line_error))
    {
      if (g_error_matches (line_error, PO_FLEET_ERROR, PO_FLEET_ERROR_FAILED))
        {
          ingest->stats.ignored++;
          return TRUE;
        }
      ingest->stats.malformed++;
      problem (ingest, where, line_error->message);
      return TRUE;
    }
  kind = po_fleet_kind_from_name (line->name);
  if (kind == PO_FLEET_KIND_NONE && line->rows->len > 0)
    kind = po_fleet_kind_from_columns (g_array_index (line->rows, PoFleetLineRow, 0).columns);
  if (kind == PO_FLEET_KIND_NONE)
    {
      ingest->stats.ignored++;
      return TRUE;
    }
  ingest->stats.phaseout_lines++;
  t = line->time >= 0 ? line->time : ingest->file_observed_at;
  if (line->format == PO_FLEET_FORMAT_FLEETCTL)
    {
      host_key = fleetctl_host_key (ingest, line->hostname, error);
      if (host_key == NULL)
        return FALSE;
    }
  else
    host_key = g_strdup (line->host_key);

  /* a batch or snapshot line holds the whole result; event lines of one
   * full-state result follow each other, and the runs wait for the last */
  full_state = line->full_state && kind != PO_FLEET_KIND_SEEN;
  if (kind != PO_FLEET_KIND_SEEN)
    {
      gboolean ok = full_state
                      ? po_fleet_runs_begin_full_state (ingest->runs, kind, host_key, t, error)
                      : po_fleet_runs_touch (ingest->runs, kind, host_key, t, error);
      if (!ok)
        return FALSE;
    }
  for (guint i = 0; i < line->rows->len && kind != PO_FLEET_KIND_SEEN; i++)
    {
      PoFleetLineRow *row = &g_array_index (line->rows, PoFleetLineRow, i);
      g_autoptr (GError) row_error = NULL;
      g_autofree gchar *policy_id = NULL;
      g_autofree gchar *item = NULL;
      g_autofree gchar *row_engine = NULL;
      PoFleetValue value = { FALSE, NULL, -1, NULL };
      gboolean ok;

      ingest->stats.rows++;
      if (!po_fleet_row_read (kind, row->columns, &policy_id, &item, &value, &row_engine,
                              &row_error))
        {
          g_autofree gchar *message = g_strdup_printf ("row %u: %s", i + 1, row_error->message);
          ingest->stats.bad_rows++;
          problem (ingest, where, message);
          continue;
        }
      if (row->action == PO_FLEET_ACTION_REMOVED)
        {
          po_fleet_value_clear (&value);
          value.present = FALSE;
        }
      else if (row_engine != NULL && g_strcmp0 (engine, row_engine) != 0)
        {
          g_free (engine);
          engine = g_steal_pointer (&row_engine);
        }
      ok = po_fleet_runs_observe (ingest->runs, kind, host_key, policy_id, item, t, &value,
                                  full_state, error);
      /* phaseout_status.findings counts the policy's banned_software rows:
       * none means every finding of the policy is gone */
      if (ok && kind == PO_FLEET_KIND_STATUS && value.present && value.findings == 0)
        ok = po_fleet_runs_clear_policy (ingest->runs, PO_FLEET_KIND_FINDING, host_key, policy_id,
                                         t, error);
      po_fleet_value_clear (&value);
      if (!ok)
        return FALSE;
    }
  if (full_state && line->format != PO_FLEET_FORMAT_EVENT
      && !po_fleet_runs_end_full_state (ingest->runs, kind, host_key, error))
    return FALSE;
  if (kind == PO_FLEET_KIND_SEEN)
    ingest->stats.rows += line->rows->len;
  return note_host (ingest, host_key, line->hostname, t, engine, error);
}

gboolean
po_fleet_ingest_line (PoFleetIngest *ingest, const gchar *data, gsize length, const gchar *where,
                      GError **error)
{
  if (!ensure_ready (ingest, error))
    return FALSE;
  if (ingest->file_observed_at <= 0)
    ingest->file_observed_at = ingest->observed_at >= 0 ? ingest->observed_at
                                                        : g_get_real_time () / G_USEC_PER_SEC;
  ingest->stats.lines++;
  return process_line (ingest, data, length, where, error);
}

static gchar *
sha256_hex (const guchar *data, gsize length)
{
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, length);
}

/* the first line, up to its newline (at most 64 KiB), as the file's identity;
 * NULL when the file has no complete first line yet */
static gchar *
file_identity (int fd, GError **error)
{
  g_autofree guchar *head = g_malloc (65536);
  gssize n = pread (fd, head, 65536, 0);
  guchar *newline;

  if (n < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "read: %s",
                   g_strerror (saved));
      return NULL;
    }
  newline = memchr (head, '\n', (gsize) n);
  if (newline == NULL)
    return g_strdup ("");
  return sha256_hex (head, (gsize) (newline - head + 1));
}

/* the SHA-256 of the PO_FLEET_TAIL bytes before offset */
static gchar *
tail_digest (int fd, gint64 offset)
{
  guchar tail[PO_FLEET_TAIL];
  gsize want = (gsize) MIN (offset, (gint64) PO_FLEET_TAIL);
  gssize n = pread (fd, tail, want, offset - (gint64) want);

  if (n != (gssize) want)
    return NULL;
  return sha256_hex (tail, want);
}

typedef struct {
  const gchar *display;
  int fd;
  gboolean regular;
  gchar *file_key; /* NULL: not recorded (stdin, a pipe) */
  gint64 offset;   /* of the next byte to read */
  gint64 consumed; /* the end of the last whole line processed */
  guint64 line_no;
  gboolean resumed_mid_line; /* the last line read before had no newline yet */
} Source;

static gboolean
record_progress (PoFleetIngest *ingest, Source *source, GError **error)
{
  g_autofree gchar *digest = NULL;

  if (source->file_key == NULL || !source->regular)
    return TRUE;
  digest = tail_digest (source->fd, source->consumed);
  if (digest == NULL)
    return TRUE;
  po_fleet_stmt_bind_text (ingest->file_put, 1, source->file_key);
  po_fleet_stmt_bind_text (ingest->file_put, 2, source->display);
  po_fleet_stmt_bind_int64 (ingest->file_put, 3, source->consumed);
  po_fleet_stmt_bind_int64 (ingest->file_put, 4, (gint64) source->line_no);
  po_fleet_stmt_bind_text (ingest->file_put, 5, digest);
  po_fleet_stmt_bind_int64 (ingest->file_put, 6, g_get_real_time () / G_USEC_PER_SEC);
  return po_fleet_stmt_run (ingest->file_put, error);
}

static gboolean
commit (PoFleetIngest *ingest, Source *source, GError **error)
{
  if (!flush (ingest, error) || (source != NULL && !record_progress (ingest, source, error))
      || !po_fleet_store_commit (ingest->store, error))
    return FALSE;
  ingest->ready = FALSE;
  ingest->uncommitted = 0;
  return ensure_ready (ingest, error);
}

/* where an earlier run stopped in this file, when the file is still the one it read */
static gboolean
find_resume_point (PoFleetIngest *ingest, Source *source, gint64 size, GError **error)
{
  gboolean row;
  gint64 read_to;
  g_autofree gchar *expected = NULL;
  g_autofree gchar *actual = NULL;
  guint64 lines;

  po_fleet_stmt_bind_text (ingest->file_get, 1, source->file_key);
  if (!po_fleet_stmt_step (ingest->file_get, &row, error))
    {
      po_fleet_stmt_reset (ingest->file_get);
      return FALSE;
    }
  if (!row)
    {
      po_fleet_stmt_reset (ingest->file_get);
      return TRUE;
    }
  read_to = po_fleet_stmt_int64 (ingest->file_get, 0);
  lines = (guint64) po_fleet_stmt_int64 (ingest->file_get, 1);
  expected = g_strdup (po_fleet_stmt_text (ingest->file_get, 2));
  po_fleet_stmt_reset (ingest->file_get);
  if (read_to <= 0 || read_to > size)
    return TRUE;
  actual = tail_digest (source->fd, read_to);
  if (g_strcmp0 (actual, expected) != 0)
    return TRUE;
  if (lseek (source->fd, read_to, SEEK_SET) != read_to)
    return TRUE;
  source->offset = source->consumed = read_to;
  source->line_no = lines;
  {
    gchar last = '\n';
    /* a last line read without its newline: the newline that follows now
     * ends that line, it does not make an empty one */
    source->resumed_mid_line = pread (source->fd, &last, 1, read_to - 1) == 1 && last != '\n';
  }
  ingest->stats.resumed_bytes += (guint64) read_to;
  return TRUE;
}

static gboolean
handle_line (PoFleetIngest *ingest, Source *source, const gchar *data, gsize length,
             gboolean overlong, GError **error)
{
  g_autofree gchar *where = NULL;

  if (source->resumed_mid_line)
    {
      source->resumed_mid_line = FALSE;
      if (length == 0 && !overlong)
        return TRUE;
    }
  source->line_no++;
  ingest->stats.lines++;
  ingest->uncommitted++;
  where = g_strdup_printf ("%s:%" G_GUINT64_FORMAT, source->display, source->line_no);
  if (overlong)
    {
      g_autofree gchar *message = g_strdup_printf ("longer than %d MiB: skipped",
                                                   PO_FLEET_MAX_LINE >> 20);
      ingest->stats.malformed++;
      problem (ingest, where, message);
      return TRUE;
    }
  while (length > 0 && (data[length - 1] == '\r' || data[length - 1] == ' '))
    length--;
  if (length == 0)
    return TRUE;
  return process_line (ingest, data, length, where, error);
}

static gboolean
read_source (PoFleetIngest *ingest, Source *source, GError **error)
{
  g_autofree gchar *block = g_malloc (PO_FLEET_BLOCK);
  g_autoptr (GByteArray) partial = g_byte_array_new ();
  gboolean overlong = FALSE;

  for (;;)
    {
      gssize n = read (source->fd, block, PO_FLEET_BLOCK);
      gsize start = 0;

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", source->display,
                       g_strerror (saved));
          return FALSE;
        }
      if (n == 0)
        break;
      source->offset += n;
      for (gsize i = 0; i < (gsize) n; i++)
        {
          const gchar *data;
          gsize length;

          if (block[i] != '\n')
            continue;
          if (partial->len > 0 || overlong)
            {
              if (!overlong)
                g_byte_array_append (partial, (const guint8 *) block + start, (guint) (i - start));
              data = (const gchar *) partial->data;
              length = partial->len;
            }
          else
            {
              data = block + start;
              length = i - start;
            }
          if (!handle_line (ingest, source, data, length, overlong, error))
            return FALSE;
          g_byte_array_set_size (partial, 0);
          overlong = FALSE;
          start = i + 1;
          source->consumed = source->offset - n + (gint64) start;
          if (ingest->uncommitted >= PO_FLEET_COMMIT_LINES && !commit (ingest, source, error))
            return FALSE;
        }
      if (start < (gsize) n && !overlong)
        {
          if (partial->len + ((gsize) n - start) > PO_FLEET_MAX_LINE)
            {
              overlong = TRUE;
              g_byte_array_set_size (partial, 0);
            }
          else
            g_byte_array_append (partial, (const guint8 *) block + start,
                                 (guint) ((gsize) n - start));
        }
    }
  if (overlong)
    return handle_line (ingest, source, NULL, 0, TRUE, error);
  if (partial->len > 0)
    {
      /* the last line has no newline: osqueryd may be writing it */
      g_autoptr (JsonParser) probe = json_parser_new_immutable ();

      if (json_parser_load_from_data (probe, (const gchar *) partial->data, partial->len, NULL))
        {
          if (!handle_line (ingest, source, (const gchar *) partial->data, partial->len, FALSE,
                            error))
            return FALSE;
          source->consumed = source->offset;
        }
      else
        {
          g_autofree gchar *where = g_strdup_printf ("%s:%" G_GUINT64_FORMAT, source->display,
                                                     source->line_no + 1);
          ingest->stats.incomplete++;
          problem (ingest, where,
                   "the last line is incomplete (no newline, not whole JSON): "
                   "left for the next run");
        }
    }
  return TRUE;
}

gboolean
po_fleet_ingest_path (PoFleetIngest *ingest, const gchar *path, GError **error)
{
  Source source = { 0 };
  struct stat st;
  gboolean ok;

  if (!ensure_ready (ingest, error))
    return FALSE;
  source.display = g_str_equal (path, "-") ? "<stdin>" : path;
  source.fd = g_str_equal (path, "-") ? STDIN_FILENO : open (path, O_RDONLY | O_CLOEXEC);
  if (source.fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", path,
                   g_strerror (saved));
      return FALSE;
    }
  if (fstat (source.fd, &st) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", path,
                   g_strerror (saved));
      if (source.fd != STDIN_FILENO)
        close (source.fd);
      return FALSE;
    }
  source.regular = S_ISREG (st.st_mode);
  ingest->file_observed_at = ingest->observed_at >= 0 ? ingest->observed_at
                             : source.regular && source.fd != STDIN_FILENO
                               ? (gint64) st.st_mtime
                               : g_get_real_time () / G_USEC_PER_SEC;
  ingest->stats.files++;
  ok = TRUE;
  if (source.regular)
    {
      source.file_key = file_identity (source.fd, error);
      ok = source.file_key != NULL;
      if (ok && *source.file_key == '\0')
        g_clear_pointer (&source.file_key, g_free);
      if (ok && source.file_key != NULL)
        ok = find_resume_point (ingest, &source, (gint64) st.st_size, error);
    }
  ok = ok && read_source (ingest, &source, error) && commit (ingest, &source, error);
  g_free (source.file_key);
  if (source.fd != STDIN_FILENO)
    close (source.fd);
  return ok;
}

gboolean
po_fleet_ingest_finish (PoFleetIngest *ingest, GError **error)
{
  if (!ensure_ready (ingest, error))
    return FALSE;
  if (!flush (ingest, error) || !po_fleet_store_commit (ingest->store, error))
    return FALSE;
  ingest->ready = FALSE;
  return TRUE;
}
