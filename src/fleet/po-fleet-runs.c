/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The history as runs (po-fleet-schema.c): each observation of a key (a
 * host's status row of a policy, or one of its findings) at a time t either
 * extends the run in force, when the value is the same, or starts a new
 * one.  A fleet's daily status rows thus cost a row per change, not per
 * day, and the report reads a few hundred thousand runs, not millions of
 * lines.
 *
 * The rules, which make the result independent of the order lines arrive
 * in and of reading a line twice:
 *   - an observation inside a run with the same value changes nothing;
 *   - at one instant a present row beats an absent one: osquery logs a
 *     changed row as "removed" (old) and "added" (new) with one unixTime,
 *     in either order, and a row it still lists is not gone;
 *   - absence is stored like any value, also before a key's first present
 *     run: an older file read later must not bring back what a newer one
 *     saw go;
 *   - an observation between two runs, or inside a run with another value
 *     (an older file read after a newer one), splits or joins the runs in
 *     the store.
 *
 * The latest two runs of every key of the hosts seen lately are kept in
 * memory (write-back, flushed in the caller's transaction), so in-order
 * logs touch the store once per key and flush; the memory is bounded by
 * PO_FLEET_RUNS_MAX_KEYS, past which everything is written and forgotten.
 */
#include <string.h>

#include "po-fleet-internal.h"

/* about 200 bytes each: 100,000 keys are 20 MB; with the hosts (50,000,
 * 7 MB) and SQLite's 8 MB page cache, ingest stays well under 64 MB */
#define PO_FLEET_RUNS_MAX_KEYS    100000
#define PO_FLEET_RUNS_MAX_STRINGS 200000

typedef struct {
  gboolean present;
  const gchar *status; /* interned */
  gint64 findings;     /* -1: NULL */
  const gchar *detail; /* interned */
} RunValue;

typedef struct {
  gboolean valid;
  gboolean dirty; /* differs from the store */
  gboolean in_db; /* the store has a row with this first_t */
  gint64 first_t;
  gint64 last_t;
  RunValue v;
} Run;

typedef struct {
  gchar *key;       /* policy_id \x1f item */
  gsize split;      /* the length of policy_id */
  Run cur;          /* the latest run */
  Run prev;         /* the one before, when known */
  gint64 listed_at; /* the time of the last full-state result that listed it */
} Entry;

typedef struct {
  PoFleetKind kind;
  gchar *host_key;
  GHashTable *entries; /* key -> Entry */
  gboolean pending;    /* a full-state result at pending_t is not yet applied */
  gint64 pending_t;
} HostKind;

struct _PoFleetRuns {
  PoFleetStore *store;
  GHashTable *host_kinds; /* "kind:host" -> HostKind */
  GHashTable *strings;    /* interned values */
  guint n_keys;
  PoFleetStmt *load_host;
  PoFleetStmt *load_key;
  PoFleetStmt *upsert;
  PoFleetStmt *delete;
  PoFleetStmt *at_or_before;
  PoFleetStmt *after;
};

#define RUN_COLUMNS "first_t, last_t, present, status, findings, detail"

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_free (entry->key);
  g_free (entry);
}

static void
host_kind_free (gpointer data)
{
  HostKind *hk = data;

  g_hash_table_unref (hk->entries);
  g_free (hk->host_key);
  g_free (hk);
}

PoFleetRuns *
po_fleet_runs_new (PoFleetStore *store, GError **error)
{
  g_autoptr (PoFleetRuns) runs = g_new0 (PoFleetRuns, 1);

  runs->store = store;
  runs->host_kinds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, host_kind_free);
  runs->strings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  runs->load_host = po_fleet_stmt_new (
    store,
    "SELECT policy_id, item, " RUN_COLUMNS " FROM po_fleet_run"
    " WHERE kind = $1 AND host_key = $2 ORDER BY policy_id, item, first_t DESC",
    error);
  if (runs->load_host == NULL)
    return NULL;
  runs->load_key = po_fleet_stmt_new (
    store,
    "SELECT policy_id, item, " RUN_COLUMNS " FROM po_fleet_run"
    " WHERE kind = $1 AND host_key = $2 AND policy_id = $3 AND item = $4"
    " ORDER BY first_t DESC LIMIT 2",
    error);
  if (runs->load_key == NULL)
    return NULL;
  runs->upsert = po_fleet_stmt_new (
    store,
    "INSERT INTO po_fleet_run (kind, host_key, policy_id, item, " RUN_COLUMNS ")"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    " ON CONFLICT (kind, host_key, policy_id, item, first_t) DO UPDATE SET"
    " last_t = excluded.last_t, present = excluded.present, status = excluded.status,"
    " findings = excluded.findings, detail = excluded.detail",
    error);
  if (runs->upsert == NULL)
    return NULL;
  runs->delete = po_fleet_stmt_new (
    store,
    "DELETE FROM po_fleet_run WHERE kind = $1 AND host_key = $2 AND policy_id = $3"
    " AND item = $4 AND first_t = $5",
    error);
  if (runs->delete == NULL)
    return NULL;
  runs->at_or_before = po_fleet_stmt_new (
    store,
    "SELECT policy_id, item, " RUN_COLUMNS " FROM po_fleet_run"
    " WHERE kind = $1 AND host_key = $2 AND policy_id = $3 AND item = $4 AND first_t <= $5"
    " ORDER BY first_t DESC LIMIT 1",
    error);
  if (runs->at_or_before == NULL)
    return NULL;
  runs->after = po_fleet_stmt_new (
    store,
    "SELECT policy_id, item, " RUN_COLUMNS " FROM po_fleet_run"
    " WHERE kind = $1 AND host_key = $2 AND policy_id = $3 AND item = $4 AND first_t > $5"
    " ORDER BY first_t LIMIT 1",
    error);
  if (runs->after == NULL)
    return NULL;
  return g_steal_pointer (&runs);
}

void
po_fleet_runs_free (PoFleetRuns *runs)
{
  if (runs == NULL)
    return;
  g_clear_pointer (&runs->host_kinds, g_hash_table_unref);
  g_clear_pointer (&runs->strings, g_hash_table_unref);
  g_clear_pointer (&runs->load_host, po_fleet_stmt_free);
  g_clear_pointer (&runs->load_key, po_fleet_stmt_free);
  g_clear_pointer (&runs->upsert, po_fleet_stmt_free);
  g_clear_pointer (&runs->delete, po_fleet_stmt_free);
  g_clear_pointer (&runs->at_or_before, po_fleet_stmt_free);
  g_clear_pointer (&runs->after, po_fleet_stmt_free);
  g_free (runs);
}

static const gchar *
intern (PoFleetRuns *runs, const gchar *text)
{
  gchar *interned;

  if (text == NULL)
    return NULL;
  interned = g_hash_table_lookup (runs->strings, text);
  if (interned == NULL)
    {
      interned = g_strdup (text);
      g_hash_table_add (runs->strings, interned);
    }
  return interned;
}

static void
run_value_set (PoFleetRuns *runs, RunValue *dest, const PoFleetValue *value)
{
  dest->present = value->present;
  dest->status = value->present ? intern (runs, value->status) : NULL;
  dest->findings = value->present ? value->findings : -1;
  dest->detail = value->present ? intern (runs, value->detail) : NULL;
}

static gboolean
run_value_equal (const RunValue *a, const RunValue *b)
{
  return a->present == b->present && a->findings == b->findings
         && g_strcmp0 (a->status, b->status) == 0 && g_strcmp0 (a->detail, b->detail) == 0;
}

/* the value in a store row at column offset 2 (after policy_id, item) */
static void
run_read (PoFleetRuns *runs, PoFleetStmt *stmt, Run *run)
{
  run->valid = TRUE;
  run->dirty = FALSE;
  run->in_db = TRUE;
  run->first_t = po_fleet_stmt_int64 (stmt, 2);
  run->last_t = po_fleet_stmt_int64 (stmt, 3);
  run->v.present = po_fleet_stmt_int64 (stmt, 4) != 0;
  run->v.status = intern (runs, po_fleet_stmt_text (stmt, 5));
  run->v.findings = po_fleet_stmt_is_null (stmt, 6) ? -1 : po_fleet_stmt_int64 (stmt, 6);
  run->v.detail = intern (runs, po_fleet_stmt_text (stmt, 7));
}

static void
bind_key (PoFleetStmt *stmt, HostKind *hk, Entry *entry)
{
  g_autofree gchar *policy_id = g_strndup (entry->key, entry->split);

  po_fleet_stmt_bind_int64 (stmt, 1, hk->kind);
  po_fleet_stmt_bind_text (stmt, 2, hk->host_key);
  po_fleet_stmt_bind_text (stmt, 3, policy_id);
  po_fleet_stmt_bind_text (stmt, 4, entry->key + entry->split + 1);
}

static gboolean
store_run (PoFleetRuns *runs, HostKind *hk, Entry *entry, gint64 first_t, gint64 last_t,
           const RunValue *v, GError **error)
{
  bind_key (runs->upsert, hk, entry);
  po_fleet_stmt_bind_int64 (runs->upsert, 5, first_t);
  po_fleet_stmt_bind_int64 (runs->upsert, 6, last_t);
  po_fleet_stmt_bind_int64 (runs->upsert, 7, v->present ? 1 : 0);
  po_fleet_stmt_bind_text (runs->upsert, 8, v->status);
  if (v->findings >= 0)
    po_fleet_stmt_bind_int64 (runs->upsert, 9, v->findings);
  else
    po_fleet_stmt_bind_text (runs->upsert, 9, NULL);
  po_fleet_stmt_bind_text (runs->upsert, 10, v->detail);
  return po_fleet_stmt_run (runs->upsert, error);
}

static gboolean
delete_run (PoFleetRuns *runs, HostKind *hk, Entry *entry, gint64 first_t, GError **error)
{
  bind_key (runs->delete, hk, entry);
  po_fleet_stmt_bind_int64 (runs->delete, 5, first_t);
  return po_fleet_stmt_run (runs->delete, error);
}

static gboolean
write_run (PoFleetRuns *runs, HostKind *hk, Entry *entry, Run *run, GError **error)
{
  if (!run->valid || !run->dirty)
    return TRUE;
  if (!store_run (runs, hk, entry, run->first_t, run->last_t, &run->v, error))
    return FALSE;
  run->dirty = FALSE;
  run->in_db = TRUE;
  return TRUE;
}

static gboolean
write_entry (PoFleetRuns *runs, HostKind *hk, Entry *entry, GError **error)
{
  return write_run (runs, hk, entry, &entry->prev, error)
         && write_run (runs, hk, entry, &entry->cur, error);
}

static Entry *
entry_new (HostKind *hk, const gchar *policy_id, const gchar *item, guint *n_keys)
{
  Entry *entry = g_new0 (Entry, 1);

  entry->key = g_strconcat (policy_id, "\x1f", item, NULL);
  entry->split = strlen (policy_id);
  entry->listed_at = G_MININT64;
  g_hash_table_insert (hk->entries, entry->key, entry);
  (*n_keys)++;
  return entry;
}

static gboolean apply_pending (PoFleetRuns *runs, HostKind *hk, GError **error);

/* everything in memory to the store, then forgotten: the memory bound */
static gboolean
write_and_forget (PoFleetRuns *runs, GError **error)
{
  if (!po_fleet_runs_flush (runs, error))
    return FALSE;
  g_hash_table_remove_all (runs->host_kinds);
  g_hash_table_remove_all (runs->strings);
  runs->n_keys = 0;
  return TRUE;
}

/* a host's keys of a kind, with their latest two runs, from memory or the store */
static HostKind *
host_kind_get (PoFleetRuns *runs, PoFleetKind kind, const gchar *host_key, GError **error)
{
  g_autofree gchar *name = g_strdup_printf ("%d:%s", kind, host_key);
  HostKind *hk = g_hash_table_lookup (runs->host_kinds, name);
  gboolean row;

  if (hk != NULL)
    return hk;
  if ((runs->n_keys > PO_FLEET_RUNS_MAX_KEYS
       || g_hash_table_size (runs->strings) > PO_FLEET_RUNS_MAX_STRINGS)
      && !write_and_forget (runs, error))
    return NULL;
  hk = g_new0 (HostKind, 1);
  hk->kind = kind;
  hk->host_key = g_strdup (host_key);
  hk->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, entry_free);
  g_hash_table_insert (runs->host_kinds, g_steal_pointer (&name), hk);

  po_fleet_stmt_bind_int64 (runs->load_host, 1, kind);
  po_fleet_stmt_bind_text (runs->load_host, 2, host_key);
  while (po_fleet_stmt_step (runs->load_host, &row, error) && row)
    {
      g_autofree gchar *key = g_strconcat (po_fleet_stmt_text (runs->load_host, 0), "\x1f",
                                           po_fleet_stmt_text (runs->load_host, 1), NULL);
      Entry *entry = g_hash_table_lookup (hk->entries, key);

      if (entry == NULL)
        {
          entry = entry_new (hk, po_fleet_stmt_text (runs->load_host, 0),
                             po_fleet_stmt_text (runs->load_host, 1), &runs->n_keys);
          run_read (runs, runs->load_host, &entry->cur);
        }
      else if (!entry->prev.valid)
        run_read (runs, runs->load_host, &entry->prev);
    }
  po_fleet_stmt_reset (runs->load_host);
  if (error != NULL && *error != NULL)
    return NULL;
  return hk;
}

/* the entry's latest two runs again from the store, after observe_slow */
static gboolean
entry_reload (PoFleetRuns *runs, HostKind *hk, Entry *entry, GError **error)
{
  gboolean row;

  memset (&entry->cur, 0, sizeof entry->cur);
  memset (&entry->prev, 0, sizeof entry->prev);
  bind_key (runs->load_key, hk, entry);
  while (po_fleet_stmt_step (runs->load_key, &row, error) && row)
    run_read (runs, runs->load_key, entry->cur.valid ? &entry->prev : &entry->cur);
  po_fleet_stmt_reset (runs->load_key);
  return error == NULL || *error == NULL;
}

static gboolean
select_run (PoFleetRuns *runs, PoFleetStmt *stmt, HostKind *hk, Entry *entry, gint64 t,
            Run *ret_run, GError **error)
{
  gboolean row = FALSE;

  memset (ret_run, 0, sizeof *ret_run);
  bind_key (stmt, hk, entry);
  po_fleet_stmt_bind_int64 (stmt, 5, t);
  if (!po_fleet_stmt_step (stmt, &row, error))
    {
      po_fleet_stmt_reset (stmt);
      return FALSE;
    }
  if (row)
    run_read (runs, stmt, ret_run);
  po_fleet_stmt_reset (stmt);
  return TRUE;
}

/*
 * An observation that is not after the latest run, applied in the store:
 * R is the run at or before t, N the one after.
 */
static gboolean
observe_slow (PoFleetRuns *runs, HostKind *hk, Entry *entry, gint64 t, const RunValue *v,
              GError **error)
{
  Run r, n;

  if (!write_entry (runs, hk, entry, error)
      || !select_run (runs, runs->at_or_before, hk, entry, t, &r, error)
      || !select_run (runs, runs->after, hk, entry, t, &n, error))
    return FALSE;

  if (r.valid && t <= r.last_t)
    {
      /* inside R's observed span */
      if (run_value_equal (&r.v, v))
        return TRUE;
      if (!v->present && r.v.present && (t == r.first_t || t == r.last_t))
        return TRUE;
      if (r.first_t == t)
        {
          if (!delete_run (runs, hk, entry, r.first_t, error))
            return FALSE;
        }
      /* what R saw between its start and t is not known: it keeps its start */
      else if (!store_run (runs, hk, entry, r.first_t, r.first_t, &r.v, error))
        return FALSE;
      if (!store_run (runs, hk, entry, t, t, v, error))
        return FALSE;
      if (r.last_t > t && !store_run (runs, hk, entry, r.last_t, r.last_t, &r.v, error))
        return FALSE;
    }
  else if (r.valid && run_value_equal (&r.v, v))
    {
      if (n.valid && run_value_equal (&n.v, v))
        {
          if (!store_run (runs, hk, entry, r.first_t, n.last_t, v, error)
              || !delete_run (runs, hk, entry, n.first_t, error))
            return FALSE;
        }
      else if (!store_run (runs, hk, entry, r.first_t, t, v, error))
        return FALSE;
    }
  else if (n.valid && run_value_equal (&n.v, v))
    {
      if (!delete_run (runs, hk, entry, n.first_t, error)
          || !store_run (runs, hk, entry, t, n.last_t, v, error))
        return FALSE;
    }
  else if (!store_run (runs, hk, entry, t, t, v, error))
    return FALSE;
  return entry_reload (runs, hk, entry, error);
}

static void
run_start (Run *run, gint64 t, const RunValue *v)
{
  run->valid = TRUE;
  run->dirty = TRUE;
  run->in_db = FALSE;
  run->first_t = run->last_t = t;
  run->v = *v;
}

static gboolean
observe_entry (PoFleetRuns *runs, HostKind *hk, Entry *entry, gint64 t, const RunValue *v,
               GError **error)
{
  Run *cur = &entry->cur;

  if (!cur->valid)
    {
      run_start (cur, t, v);
      return TRUE;
    }
  if (t > cur->last_t)
    {
      if (run_value_equal (&cur->v, v))
        {
          cur->last_t = t;
          cur->dirty = TRUE;
          return TRUE;
        }
      if (!write_run (runs, hk, entry, &entry->prev, error))
        return FALSE;
      entry->prev = *cur;
      run_start (cur, t, v);
      return TRUE;
    }
  if (t >= cur->first_t && run_value_equal (&cur->v, v))
    return TRUE;
  if (t == cur->last_t)
    {
      /* a second row at the latest instant with another value */
      if (!v->present && cur->v.present)
        return TRUE;
      if (cur->first_t == t)
        {
          /* the latest run began at t ("removed" before "added"): the new
           * value replaces it, and continues the run before when equal */
          if (entry->prev.valid && run_value_equal (&entry->prev.v, v))
            {
              if (cur->in_db && !delete_run (runs, hk, entry, cur->first_t, error))
                return FALSE;
              *cur = entry->prev;
              cur->last_t = t;
              cur->dirty = TRUE;
              memset (&entry->prev, 0, sizeof entry->prev);
              return TRUE;
            }
          cur->v = *v;
          cur->dirty = TRUE;
          return TRUE;
        }
    }
  /* earlier than the latest run, or a conflict inside it */
  return observe_slow (runs, hk, entry, t, v, error);
}

/* a full-state result at pending_t ends: the keys it did not list are gone */
static gboolean
apply_pending (PoFleetRuns *runs, HostKind *hk, GError **error)
{
  static const RunValue absent = { FALSE, NULL, -1, NULL };
  GHashTableIter iter;
  gpointer value;

  if (!hk->pending)
    return TRUE;
  hk->pending = FALSE;
  g_hash_table_iter_init (&iter, hk->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Entry *entry = value;

      if (entry->listed_at != hk->pending_t
          && !observe_entry (runs, hk, entry, hk->pending_t, &absent, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
po_fleet_runs_touch (PoFleetRuns *runs, PoFleetKind kind, const gchar *host_key, gint64 t,
                     GError **error)
{
  HostKind *hk = host_kind_get (runs, kind, host_key, error);

  if (hk == NULL)
    return FALSE;
  if (hk->pending && hk->pending_t != t)
    return apply_pending (runs, hk, error);
  return TRUE;
}

gboolean
po_fleet_runs_begin_full_state (PoFleetRuns *runs, PoFleetKind kind, const gchar *host_key,
                                gint64 t, GError **error)
{
  HostKind *hk = host_kind_get (runs, kind, host_key, error);

  if (hk == NULL)
    return FALSE;
  if (hk->pending && hk->pending_t != t && !apply_pending (runs, hk, error))
    return FALSE;
  hk->pending = TRUE;
  hk->pending_t = t;
  return TRUE;
}

gboolean
po_fleet_runs_end_full_state (PoFleetRuns *runs, PoFleetKind kind, const gchar *host_key,
                              GError **error)
{
  HostKind *hk = host_kind_get (runs, kind, host_key, error);

  return hk != NULL && apply_pending (runs, hk, error);
}

gboolean
po_fleet_runs_observe (PoFleetRuns *runs, PoFleetKind kind, const gchar *host_key,
                       const gchar *policy_id, const gchar *item, gint64 t,
                       const PoFleetValue *value, gboolean full_state, GError **error)
{
  HostKind *hk = host_kind_get (runs, kind, host_key, error);
  g_autofree gchar *key = NULL;
  Entry *entry;
  RunValue v;

  if (hk == NULL)
    return FALSE;
  if (hk->pending && hk->pending_t != t && !apply_pending (runs, hk, error))
    return FALSE;
  key = g_strconcat (policy_id, "\x1f", item, NULL);
  entry = g_hash_table_lookup (hk->entries, key);
  if (entry == NULL)
    entry = entry_new (hk, policy_id, item, &runs->n_keys);
  if (full_state)
    entry->listed_at = t;
  run_value_set (runs, &v, value);
  return observe_entry (runs, hk, entry, t, &v, error);
}

gboolean
po_fleet_runs_clear_policy (PoFleetRuns *runs, PoFleetKind kind, const gchar *host_key,
                            const gchar *policy_id, gint64 t, GError **error)
{
  static const RunValue absent = { FALSE, NULL, -1, NULL };
  HostKind *hk = host_kind_get (runs, kind, host_key, error);
  GHashTableIter iter;
  gpointer value;
  gsize length = strlen (policy_id);

  if (hk == NULL)
    return FALSE;
  if (hk->pending && hk->pending_t != t && !apply_pending (runs, hk, error))
    return FALSE;
  g_hash_table_iter_init (&iter, hk->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Entry *entry = value;

      if (entry->split == length && strncmp (entry->key, policy_id, length) == 0 && entry->cur.valid
          && entry->cur.v.present && !observe_entry (runs, hk, entry, t, &absent, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
po_fleet_runs_flush (PoFleetRuns *runs, GError **error)
{
  GHashTableIter iter;
  gpointer value;

  /* a full-state result cut by a commit is applied now: rows of it that
   * follow still win, present beating absent at one instant */
  g_hash_table_iter_init (&iter, runs->host_kinds);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (!apply_pending (runs, value, error))
      return FALSE;
  g_hash_table_iter_init (&iter, runs->host_kinds);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      HostKind *hk = value;
      GHashTableIter entries;
      gpointer entry;

      g_hash_table_iter_init (&entries, hk->entries);
      while (g_hash_table_iter_next (&entries, NULL, &entry))
        if (!write_entry (runs, hk, entry, error))
          return FALSE;
    }
  return TRUE;
}
