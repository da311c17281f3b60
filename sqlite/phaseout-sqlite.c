/* SPDX-License-Identifier: Apache-2.0 */
/*
 * phaseout as a SQLite loadable extension:
 *
 *   sqlite> .load /usr/lib/x86_64-linux-gnu/phaseout/phaseout
 *   sqlite> SELECT phaseout_flag('--root', '/srv/image');   -- optional
 *   sqlite> SELECT * FROM phaseout_info;
 *
 * phaseout_flag() takes the same flags as the phaseout command and
 * phaseout.ext (--root, --config, --policy-dir, --state-db, --now); each
 * call rebuilds the runtime the tables of this connection use.
 *
 * The module links the system libsqlite3 and calls it directly, which is
 * the same library instance the sqlite3 shell, Python and most programs
 * on Debian load; a program with a private, statically linked SQLite
 * cannot load it.
 */
#include <sqlite3.h>

#include "po-engine.h"
#include "po-settings.h"

typedef struct {
  PoSettings *settings;
} Connection;

static void
connection_free (void *data)
{
  Connection *connection = data;

  po_settings_free (connection->settings);
  g_free (connection);
}

static gboolean
register_tables (sqlite3 *db, Connection *connection, GError **error)
{
  g_autoptr(PoRuntime) runtime = po_runtime_new (connection->settings, error);

  if (runtime == NULL)
    return FALSE;
  /* re-creating a module replaces it; the old runtime goes with it */
  return po_engine_register (db, runtime, error);
}

static void
phaseout_flag_function (sqlite3_context *context, int argc, sqlite3_value **argv)
{
  Connection *connection = sqlite3_user_data (context);
  const gchar *name = (const gchar *) sqlite3_value_text (argv[0]);
  const gchar *value = argc > 1 ? (const gchar *) sqlite3_value_text (argv[1]) : NULL;
  g_autoptr(PoSettings) candidate = po_settings_copy (connection->settings);
  g_autoptr(GError) error = NULL;

  if (name == NULL || !po_settings_apply_flag (candidate, name, value, &error)
      || !register_tables (sqlite3_context_db_handle (context), &(Connection){ candidate }, &error))
    {
      sqlite3_result_error (context, error != NULL ? error->message : "phaseout_flag: no flag",
                            -1);
      return;
    }
  po_settings_free (connection->settings);
  connection->settings = g_steal_pointer (&candidate);
  sqlite3_result_int (context, 1);
}

int
sqlite3_phaseout_init (sqlite3 *db, char **ret_error, const sqlite3_api_routines *api)
{
  g_autoptr(GError) error = NULL;
  Connection *connection = g_new0 (Connection, 1);
  int rc;

  connection->settings = po_settings_new ();
  if (!register_tables (db, connection, &error))
    {
      *ret_error = sqlite3_mprintf ("phaseout: %s", error->message);
      connection_free (connection);
      return SQLITE_ERROR;
    }
  rc = sqlite3_create_function_v2 (db, "phaseout_flag", -1, SQLITE_UTF8, connection,
                                   phaseout_flag_function, NULL, NULL, connection_free);
  return rc;
}
