/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The state database (see po-state.h and README.md): one SQLite connection
 * per PoState (one per runtime), opened on first use and again after any
 * failure, serialised by a mutex within the process; across processes
 * SQLite's own locking (WAL, BEGIN IMMEDIATE, a busy timeout) does the
 * same.
 */
#include "po-state.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "po-error.h"

/* long enough for a slow disk and a concurrent scan, short enough that a
 * stuck writer costs one query its history, not the query */
#define BUSY_TIMEOUT_MS 10000

/*
 * Schema migrations: migrations[i] takes user_version i to i + 1.  Never
 * edit one that has shipped; add the next.
 *
 * findings: one row per episode of a finding for a policy.  An episode is
 * open (removed_at NULL) while the finding is seen; at most one episode of
 * a key is open (the partial unique index).  product is '' for vendor-wide
 * findings so that the index treats them as equal.  Times are seconds since
 * the epoch, UTC.
 */
static const gchar *const migrations[] = {
  "CREATE TABLE findings ("
  "  id          INTEGER PRIMARY KEY,"
  "  policy_id   TEXT NOT NULL,"
  "  finding     TEXT NOT NULL,"
  "  vendor      TEXT NOT NULL,"
  "  product     TEXT NOT NULL DEFAULT '',"
  "  category    TEXT,"
  "  source      TEXT NOT NULL,"
  "  name        TEXT,"
  "  version     TEXT,"
  "  path        TEXT,"
  "  first_seen  INTEGER NOT NULL,"
  "  last_seen   INTEGER NOT NULL,"
  "  removed_at  INTEGER"
  ");"
  "CREATE UNIQUE INDEX findings_open ON findings (policy_id, finding, vendor, product)"
  "  WHERE removed_at IS NULL;"
  "CREATE INDEX findings_by_policy ON findings (policy_id, first_seen);",
};
#define SCHEMA_VERSION ((gint) G_N_ELEMENTS (migrations))

struct _PoState {
  GMutex lock;
  gchar *path;         /* NULL: history is off */
  gboolean is_default; /* we may create its directory */
  sqlite3 *db;         /* NULL until opened, and after a failure */
  gboolean warned;
  gchar *scan_problem; /* why the last scan was not recorded, or NULL */
};

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

void
po_state_free (PoState *state)
{
  if (state == NULL)
    return;
  if (state->db != NULL)
    sqlite3_close_v2 (state->db);
  g_free (state->path);
  g_free (state->scan_problem);
  g_mutex_clear (&state->lock);
  g_free (state);
}

PoState *
po_state_new (const gchar *path, gboolean is_default, GError **error)
{
  PoState *state = g_new0 (PoState, 1);

  g_mutex_init (&state->lock);
  state->path = g_strdup (path);
  state->is_default = path != NULL && is_default;
  return state;
}

const gchar *
po_state_get_path (PoState *state)
{
  return state->path;
}

void
po_state_episode_free (PoStateEpisode *episode)
{
  if (episode == NULL)
    return;
  g_free (episode->policy_id);
  g_free (episode->finding);
  g_free (episode->vendor);
  g_free (episode->product);
  g_free (episode->category);
  g_free (episode->source);
  g_free (episode->name);
  g_free (episode->version);
  g_free (episode->path);
  g_free (episode);
}

/* ---- errors ----------------------------------------------------------- */

static gboolean
set_sqlite_error (PoState *state, const gchar *what, GError **error)
{
  g_set_error (error, PO_ERROR, PO_ERROR_FAILED, "state database %s: %s: %s", state->path, what,
               state->db != NULL ? sqlite3_errmsg (state->db) : "cannot open");
  return FALSE;
}

/*
 * A failure: logged once as a warning (later ones at debug level, so a
 * broken database does not flood the log of a daemon queried every
 * minute), and the connection dropped so that the next scan starts over.
 */
static void
report_failure (PoState *state, const GError *error)
{
  if (!state->warned)
    g_warning ("%s; detection history is unavailable, the tables answer from live data with "
               "their history columns NULL",
               error->message);
  else
    g_debug ("%s", error->message);
  state->warned = TRUE;
  if (state->db != NULL)
    {
      sqlite3_close_v2 (state->db);
      state->db = NULL;
    }
}

static gboolean
exec (PoState *state, const gchar *sql, GError **error)
{
  if (sqlite3_exec (state->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return set_sqlite_error (state, sql, error);
  return TRUE;
}

static void
rollback (PoState *state)
{
  if (state->db != NULL && !sqlite3_get_autocommit (state->db))
    sqlite3_exec (state->db, "ROLLBACK", NULL, NULL, NULL);
}

/* the single text value a pragma returns */
static gboolean
pragma_text (PoState *state, const gchar *sql, gchar **ret_value, GError **error)
{
  g_autoptr (sqlite3_stmt) statement = NULL;

  if (sqlite3_prepare_v2 (state->db, sql, -1, &statement, NULL) != SQLITE_OK
      || sqlite3_step (statement) != SQLITE_ROW)
    return set_sqlite_error (state, sql, error);
  *ret_value = g_strdup ((const gchar *) sqlite3_column_text (statement, 0));
  return TRUE;
}

/* ---- opening ---------------------------------------------------------- */

/*
 * Creates the file with mode 0600 before SQLite opens it: SQLite would
 * create it with the umask's mode, and gives its -wal and -shm files the
 * mode of the database file, so this one decision covers all three.
 * O_EXCL: an existing file (or link) is left as it is.
 */
static gboolean
create_file (PoState *state, GError **error)
{
  int fd;

  if (state->is_default)
    {
      g_autofree gchar *directory = g_path_get_dirname (state->path);
      if (g_mkdir_with_parents (directory, 0700) < 0)
        {
          int saved_errno = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       "state database %s: cannot create %s: %s", state->path, directory,
                       g_strerror (saved_errno));
          return FALSE;
        }
    }
  fd = open (state->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0600);
  if (fd >= 0)
    close (fd);
  else if (errno != EEXIST)
    {
      int saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "state database %s: cannot create it: %s", state->path,
                   g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

/*
 * Brings the schema to SCHEMA_VERSION.  The version is read again inside
 * the write transaction, so two processes opening a new database at once
 * migrate it once.
 */
static gboolean
migrate (PoState *state, GError **error)
{
  g_autofree gchar *text = NULL;
  gint version;

  if (!exec (state, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (!pragma_text (state, "PRAGMA user_version", &text, error))
    {
      rollback (state);
      return FALSE;
    }
  version = (gint) g_ascii_strtoll (text, NULL, 10);
  if (version > SCHEMA_VERSION || version < 0)
    {
      rollback (state);
      g_set_error (error, PO_ERROR, PO_ERROR_INVALID_DATA,
                   "state database %s: schema version %d is newer than this phaseout's (%d); "
                   "it was written by a newer phaseout",
                   state->path, version, SCHEMA_VERSION);
      return FALSE;
    }
  for (; version < SCHEMA_VERSION; version++)
    {
      g_autofree gchar *set_version = g_strdup_printf ("PRAGMA user_version = %d", version + 1);
      if (!exec (state, migrations[version], error) || !exec (state, set_version, error))
        {
          rollback (state);
          return FALSE;
        }
    }
  return exec (state, "COMMIT", error);
}

/*
 * SQLite opens a file it may not write (immutable, on a read-only mount)
 * read-only without a word, and only the first write of a scan fails.  A
 * database that cannot record history is a broken one: refused here, so
 * the reason reaches phaseout_info before any scan.  open(O_RDWR) says why
 * (root passes every mode check, not these).
 */
static gboolean
check_writable (PoState *state, GError **error)
{
  int fd;
  int saved_errno;

  if (sqlite3_db_readonly (state->db, "main") != 1)
    return TRUE;
  fd = open (state->path, O_RDWR | O_CLOEXEC | O_NOCTTY);
  saved_errno = fd < 0 ? errno : 0;
  if (fd >= 0)
    close (fd);
  g_set_error (error, PO_ERROR, PO_ERROR_PERMISSION, "state database %s cannot be written (%s)",
               state->path,
               saved_errno != 0 ? g_strerror (saved_errno) : "SQLite opened it read-only");
  return FALSE;
}

static gboolean
ensure_open (PoState *state, GError **error)
{
  g_autofree gchar *mode = NULL;
  g_autofree gchar *check = NULL;

  if (state->path == NULL)
    {
      g_set_error_literal (error, PO_ERROR, PO_ERROR_NOT_FOUND,
                           "no state database: --root without --state-db");
      return FALSE;
    }
  if (state->db != NULL)
    return TRUE;
  if (!create_file (state, error))
    return FALSE;
  /* our own mutex serialises the connection's users */
  if (sqlite3_open_v2 (state->path, &state->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL)
      != SQLITE_OK)
    {
      set_sqlite_error (state, "cannot open", error);
      sqlite3_close_v2 (state->db);
      state->db = NULL;
      return FALSE;
    }
  sqlite3_busy_timeout (state->db, BUSY_TIMEOUT_MS);
  sqlite3_extended_result_codes (state->db, 1);
  if (!check_writable (state, error))
    return FALSE;
  /* quick_check first: a file that is not a database, or a damaged one,
   * is found here rather than halfway through a scan */
  if (!pragma_text (state, "PRAGMA quick_check", &check, error))
    return FALSE;
  if (g_strcmp0 (check, "ok") != 0)
    {
      g_set_error (error, PO_ERROR, PO_ERROR_INVALID_DATA,
                   "state database %s is damaged (%s); move it aside to start a new history",
                   state->path, check);
      return FALSE;
    }
  if (!pragma_text (state, "PRAGMA journal_mode = WAL", &mode, error))
    return FALSE;
  if (g_ascii_strcasecmp (mode, "wal") != 0)
    {
      g_set_error (error, PO_ERROR, PO_ERROR_FAILED,
                   "state database %s: cannot switch to WAL (journal mode is %s)", state->path,
                   mode);
      return FALSE;
    }
  if (!exec (state, "PRAGMA synchronous = NORMAL", error))
    return FALSE;
  return migrate (state, error);
}

/* ---- recording -------------------------------------------------------- */

static void
bind_text (sqlite3_stmt *statement, int index, const gchar *value)
{
  if (value != NULL)
    sqlite3_bind_text (statement, index, value, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (statement, index);
}

/* parameters 1 to 9 of the update and the insert of a finding: the same
 * values in the same order */
static void
bind_finding (sqlite3_stmt *stmt, gint64 now, const PoStateFinding *f, const gchar *product)
{
  sqlite3_reset (stmt);
  sqlite3_bind_int64 (stmt, 1, now);
  bind_text (stmt, 2, f->category);
  bind_text (stmt, 3, f->name);
  bind_text (stmt, 4, f->version);
  bind_text (stmt, 5, f->path);
  bind_text (stmt, 6, f->policy_id);
  bind_text (stmt, 7, f->finding);
  bind_text (stmt, 8, f->vendor);
  bind_text (stmt, 9, product);
}

static gchar *
episode_key (const gchar *policy_id, const gchar *finding, const gchar *vendor,
             const gchar *product)
{
  /* \x1f (unit separator) cannot occur in ids, and findings are compared
   * whole, so the joined key is unambiguous for practical purposes */
  return g_strjoin ("\x1f", policy_id, finding, vendor, product != NULL ? product : "", NULL);
}

static gboolean
record_findings (PoState *state, gint64 now, PoStateFinding *findings, guint n_findings,
                 GError **error)
{
  static const gchar update_sql[] =
    "UPDATE findings SET last_seen = MAX(last_seen, ?1), category = ?2, name = ?3,"
    " version = ?4, path = ?5"
    " WHERE policy_id = ?6 AND finding = ?7 AND vendor = ?8 AND product = ?9"
    " AND removed_at IS NULL";
  static const gchar insert_sql[] =
    "INSERT INTO findings (last_seen, first_seen, category, name, version, path,"
    " policy_id, finding, vendor, product, source)"
    " VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
  static const gchar select_sql[] =
    "SELECT first_seen, last_seen FROM findings"
    " WHERE policy_id = ?1 AND finding = ?2 AND vendor = ?3 AND product = ?4"
    " AND removed_at IS NULL";
  g_autoptr (sqlite3_stmt) update = NULL;
  g_autoptr (sqlite3_stmt) insert = NULL;
  g_autoptr (sqlite3_stmt) select = NULL;

  if (sqlite3_prepare_v2 (state->db, update_sql, -1, &update, NULL) != SQLITE_OK
      || sqlite3_prepare_v2 (state->db, insert_sql, -1, &insert, NULL) != SQLITE_OK
      || sqlite3_prepare_v2 (state->db, select_sql, -1, &select, NULL) != SQLITE_OK)
    return set_sqlite_error (state, "preparing the scan", error);

  for (guint i = 0; i < n_findings; i++)
    {
      PoStateFinding *f = &findings[i];
      const gchar *product = f->product != NULL ? f->product : "";

      bind_finding (update, now, f, product);
      if (sqlite3_step (update) != SQLITE_DONE)
        return set_sqlite_error (state, "updating a finding", error);
      if (sqlite3_changes (state->db) == 0)
        {
          bind_finding (insert, now, f, product);
          bind_text (insert, 10, f->source);
          if (sqlite3_step (insert) != SQLITE_DONE)
            return set_sqlite_error (state, "adding a finding", error);
        }
      sqlite3_reset (select);
      bind_text (select, 1, f->policy_id);
      bind_text (select, 2, f->finding);
      bind_text (select, 3, f->vendor);
      bind_text (select, 4, product);
      if (sqlite3_step (select) != SQLITE_ROW)
        return set_sqlite_error (state, "reading a finding back", error);
      f->first_seen = sqlite3_column_int64 (select, 0);
      f->last_seen = sqlite3_column_int64 (select, 1);
    }
  return TRUE;
}

static gboolean
record_removals (PoState *state, gint64 now, const PoStateFinding *findings, guint n_findings,
                 const PoStateComplete *complete, guint n_complete, GError **error)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) scope = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GArray) gone = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (sqlite3_stmt) open_episodes = NULL;
  g_autoptr (sqlite3_stmt) close_episode = NULL;
  int rc;

  if (n_complete == 0)
    return TRUE;
  for (guint i = 0; i < n_findings; i++)
    g_hash_table_add (seen, episode_key (findings[i].policy_id, findings[i].finding,
                                         findings[i].vendor, findings[i].product));
  for (guint i = 0; i < n_complete; i++)
    g_hash_table_add (scope, g_strjoin ("\x1f", complete[i].policy_id, complete[i].source, NULL));

  if (sqlite3_prepare_v2 (state->db,
                          "SELECT id, policy_id, finding, vendor, product, source FROM findings"
                          " WHERE removed_at IS NULL",
                          -1, &open_episodes, NULL)
      != SQLITE_OK)
    return set_sqlite_error (state, "listing open findings", error);
  while ((rc = sqlite3_step (open_episodes)) == SQLITE_ROW)
    {
      const gchar *policy_id = (const gchar *) sqlite3_column_text (open_episodes, 1);
      const gchar *finding = (const gchar *) sqlite3_column_text (open_episodes, 2);
      const gchar *vendor = (const gchar *) sqlite3_column_text (open_episodes, 3);
      const gchar *product = (const gchar *) sqlite3_column_text (open_episodes, 4);
      const gchar *source = (const gchar *) sqlite3_column_text (open_episodes, 5);
      g_autofree gchar *scope_key = g_strjoin ("\x1f", policy_id, source, NULL);
      g_autofree gchar *key = NULL;
      gint64 id;

      if (!g_hash_table_contains (scope, scope_key))
        continue;
      key = episode_key (policy_id, finding, vendor, product);
      if (g_hash_table_contains (seen, key))
        continue;
      id = sqlite3_column_int64 (open_episodes, 0);
      g_array_append_val (gone, id);
    }
  if (rc != SQLITE_DONE)
    return set_sqlite_error (state, "listing open findings", error);

  if (sqlite3_prepare_v2 (state->db,
                          "UPDATE findings SET removed_at = MAX(?1, last_seen) WHERE id = ?2", -1,
                          &close_episode, NULL)
      != SQLITE_OK)
    return set_sqlite_error (state, "preparing removals", error);
  for (guint i = 0; i < gone->len; i++)
    {
      sqlite3_reset (close_episode);
      sqlite3_bind_int64 (close_episode, 1, now);
      sqlite3_bind_int64 (close_episode, 2, g_array_index (gone, gint64, i));
      if (sqlite3_step (close_episode) != SQLITE_DONE)
        return set_sqlite_error (state, "recording a removal", error);
    }
  return TRUE;
}

gboolean
po_state_record_scan (PoState *state, gint64 now, PoStateFinding *findings, guint n_findings,
                      const PoStateComplete *complete, guint n_complete, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&state->lock);

  if (state->path == NULL)
    return ensure_open (state, error);
  if (!ensure_open (state, &local_error))
    {
      /* po_state_check() finds this one again by itself */
      g_clear_pointer (&state->scan_problem, g_free);
      report_failure (state, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!exec (state, "BEGIN IMMEDIATE", &local_error)
      || !record_findings (state, now, findings, n_findings, &local_error)
      || !record_removals (state, now, findings, n_findings, complete, n_complete, &local_error)
      || !exec (state, "COMMIT", &local_error))
    {
      /* opened, but not written (a full disk, a lock held past the busy
       * timeout): only this remembers it for po_state_check() */
      rollback (state);
      report_failure (state, local_error);
      g_free (state->scan_problem);
      state->scan_problem = g_strdup_printf ("the last scan was not recorded: %s",
                                             local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  g_clear_pointer (&state->scan_problem, g_free);
  return TRUE;
}

/* ---- reading ---------------------------------------------------------- */

static gchar *
column_text (sqlite3_stmt *statement, int column)
{
  return g_strdup ((const gchar *) sqlite3_column_text (statement, column));
}

static gboolean
read_episodes (PoState *state, const gchar *const *policy_ids, GPtrArray *episodes, GError **error)
{
  g_autoptr (GString) sql = g_string_new (
    "SELECT policy_id, finding, vendor, product, category, source, name, version, path,"
    " first_seen, last_seen, removed_at FROM findings");
  g_autoptr (sqlite3_stmt) statement = NULL;
  int rc;

  if (policy_ids != NULL)
    {
      g_string_append (sql, " WHERE policy_id IN (");
      for (guint i = 0; policy_ids[i] != NULL; i++)
        g_string_append (sql, i == 0 ? "?" : ", ?");
      g_string_append (sql, ")");
    }
  g_string_append (sql, " ORDER BY first_seen, id");
  if (sqlite3_prepare_v2 (state->db, sql->str, -1, &statement, NULL) != SQLITE_OK)
    return set_sqlite_error (state, "reading the history", error);
  for (guint i = 0; policy_ids != NULL && policy_ids[i] != NULL; i++)
    bind_text (statement, (int) i + 1, policy_ids[i]);
  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    {
      PoStateEpisode *episode = g_new0 (PoStateEpisode, 1);
      episode->policy_id = column_text (statement, 0);
      episode->finding = column_text (statement, 1);
      episode->vendor = column_text (statement, 2);
      episode->product = column_text (statement, 3);
      if (episode->product != NULL && *episode->product == '\0')
        g_clear_pointer (&episode->product, g_free);
      episode->category = column_text (statement, 4);
      episode->source = column_text (statement, 5);
      episode->name = column_text (statement, 6);
      episode->version = column_text (statement, 7);
      episode->path = column_text (statement, 8);
      episode->first_seen = sqlite3_column_int64 (statement, 9);
      episode->last_seen = sqlite3_column_int64 (statement, 10);
      episode->removed_at = sqlite3_column_type (statement, 11) == SQLITE_NULL
                              ? 0
                              : sqlite3_column_int64 (statement, 11);
      g_ptr_array_add (episodes, episode);
    }
  if (rc != SQLITE_DONE)
    return set_sqlite_error (state, "reading the history", error);
  return TRUE;
}

gboolean
po_state_get_episodes (PoState *state, const gchar *const *policy_ids, GPtrArray **ret_episodes,
                       GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GPtrArray) episodes = g_ptr_array_new_with_free_func (
    (GDestroyNotify) po_state_episode_free);
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&state->lock);

  if (state->path == NULL)
    return ensure_open (state, error);
  if (!ensure_open (state, &local_error)
      || !read_episodes (state, policy_ids, episodes, &local_error))
    {
      report_failure (state, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  *ret_episodes = g_steal_pointer (&episodes);
  return TRUE;
}

gboolean
po_state_check (PoState *state, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&state->lock);

  if (state->path == NULL)
    return TRUE;
  if (!ensure_open (state, &local_error))
    {
      report_failure (state, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  /* opening works, writing did not (a full disk, a lock held past the
   * busy timeout): until a scan is recorded again, history has a gap */
  if (state->scan_problem != NULL)
    {
      g_set_error (error, PO_ERROR, PO_ERROR_FAILED, "%s", state->scan_problem);
      return FALSE;
    }
  return TRUE;
}
