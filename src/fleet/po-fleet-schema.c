/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The store's tables: what the report needs, not the raw lines.
 *
 *   po_fleet_run   the history, as runs: for a key (a host's status row of
 *                  a policy, kind 0, or one of its banned_software findings,
 *                  kind 1) a value observed from first_t to last_t (unix
 *                  seconds) and in force until the key's next run starts.
 *                  present 0 is a run of absence (the row was removed, or a
 *                  snapshot no longer listed it).  status, findings and
 *                  detail (the deadline of a status, the product of a
 *                  finding) are the value.
 *   po_fleet_host  one row per host: its name for display, the engine
 *                  (extension or sql) of its latest rows, first and last
 *                  report
 *   po_fleet_seen  a host's last report on each day it reported, so that
 *                  "stale" can be judged at any as-of date
 *   po_fleet_file  for each log file read (known by a digest of its first
 *                  line) how far it was read, and a digest of the bytes
 *                  before that point, so a second run reads only what is
 *                  new, and a rotated, truncated or rewritten file is read
 *                  again from its start
 *
 * Every statement is in the SQL that SQLite and PostgreSQL share.
 */
#include "po-fleet-store.h"

#define PO_FLEET_SCHEMA_VERSION "1"

static const gchar *const schema[] = {
  "CREATE TABLE IF NOT EXISTS po_fleet_meta ("
  "  name TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL)",
  "CREATE TABLE IF NOT EXISTS po_fleet_run ("
  "  kind INTEGER NOT NULL,"
  "  host_key TEXT NOT NULL,"
  "  policy_id TEXT NOT NULL,"
  "  item TEXT NOT NULL,"
  "  first_t BIGINT NOT NULL,"
  "  last_t BIGINT NOT NULL,"
  "  present INTEGER NOT NULL,"
  "  status TEXT,"
  "  findings BIGINT,"
  "  detail TEXT,"
  "  PRIMARY KEY (kind, host_key, policy_id, item, first_t))",
  "CREATE INDEX IF NOT EXISTS po_fleet_run_by_policy ON po_fleet_run (kind, policy_id, first_t)",
  "CREATE TABLE IF NOT EXISTS po_fleet_host ("
  "  host_key TEXT PRIMARY KEY,"
  "  hostname TEXT,"
  "  engine TEXT,"
  "  first_seen BIGINT NOT NULL,"
  "  last_seen BIGINT NOT NULL)",
  "CREATE INDEX IF NOT EXISTS po_fleet_host_by_name ON po_fleet_host (hostname)",
  "CREATE TABLE IF NOT EXISTS po_fleet_seen ("
  "  host_key TEXT NOT NULL,"
  "  day BIGINT NOT NULL,"
  "  last_t BIGINT NOT NULL,"
  "  PRIMARY KEY (host_key, day))",
  "CREATE TABLE IF NOT EXISTS po_fleet_file ("
  "  file_key TEXT PRIMARY KEY,"
  "  path TEXT NOT NULL,"
  "  read_to BIGINT NOT NULL,"
  "  lines BIGINT NOT NULL,"
  "  tail_sha256 TEXT NOT NULL,"
  "  read_at BIGINT NOT NULL)",
};

gboolean
po_fleet_schema_ensure (PoFleetStore *store, GError **error)
{
  g_autoptr (PoFleetStmt) version = NULL;
  gboolean row;

  for (gsize i = 0; i < G_N_ELEMENTS (schema); i++)
    if (!po_fleet_store_exec (store, schema[i], error))
      return FALSE;
  version = po_fleet_stmt_new (store, "SELECT value FROM po_fleet_meta WHERE name = 'schema'",
                               error);
  if (version == NULL || !po_fleet_stmt_step (version, &row, error))
    return FALSE;
  if (row && g_strcmp0 (po_fleet_stmt_text (version, 0), PO_FLEET_SCHEMA_VERSION) != 0)
    {
      g_set_error (error, PO_FLEET_ERROR, PO_FLEET_ERROR_STORE,
                   "the database has the fleet tables of schema version %s; this phaseout "
                   "knows version %s",
                   po_fleet_stmt_text (version, 0), PO_FLEET_SCHEMA_VERSION);
      return FALSE;
    }
  po_fleet_stmt_reset (version);
  if (!row)
    return po_fleet_store_exec (
      store,
      "INSERT INTO po_fleet_meta (name, value) VALUES ('schema', '" PO_FLEET_SCHEMA_VERSION
      "') ON CONFLICT (name) DO NOTHING",
      error);
  return TRUE;
}
