/* SPDX-License-Identifier: Apache-2.0 */
/*
 * phaseout as a SQLite loadable extension:
 *
 *   sqlite> .load /usr/lib/x86_64-linux-gnu/phaseout/phaseout
 *   sqlite> SELECT phaseout_flag('--root', '/srv/image');   -- optional
 *   sqlite> SELECT * FROM phaseout_info;
 *
 * phaseout_flag() takes the same flags as the phaseout command and
 * phaseout.ext (--root, --config, --policy-dir, --state-db, --now), one per
 * call, in either of the command's spellings: phaseout_flag('--root', DIR)
 * or phaseout_flag('--root=DIR').  Each call rebuilds the runtime the
 * tables of this connection use.
 *
 * The module links the system libsqlite3 and calls it directly, which is
 * the same library instance the sqlite3 shell, Python and most programs
 * on Debian load; a program with a private, statically linked SQLite
 * cannot load it.
 */
#include <sqlite3.h>
#include <string.h>

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
  g_autoptr (PoRuntime) runtime = po_runtime_new (connection->settings, error);

  if (runtime == NULL)
    return FALSE;
  /* re-creating a module replaces it; the old runtime goes with it */
  return po_engine_register (db, runtime, error);
}

static const gchar *
value_type_name (int type)
{
  switch (type)
    {
    case SQLITE_INTEGER:
      return "an integer";
    case SQLITE_FLOAT:
      return "a real number";
    case SQLITE_BLOB:
      return "a blob";
    case SQLITE_NULL:
      return "NULL";
    default:
      return "text";
    }
}

/*
 * argument i as text, or NULL with an SQL error set: SQLite hands a
 * function whatever the query passed (NULL, numbers, blobs), and text
 * with a NUL inside would be cut short without a word
 */
static const gchar *
text_argument (sqlite3_context *context, sqlite3_value **argv, int i)
{
  const gchar *text;

  if (sqlite3_value_type (argv[i]) != SQLITE_TEXT)
    {
      g_autofree gchar *message = g_strdup_printf (
        "phaseout_flag: argument %d must be text, not %s", i + 1,
        value_type_name (sqlite3_value_type (argv[i])));
      sqlite3_result_error (context, message, -1);
      return NULL;
    }
  text = (const gchar *) sqlite3_value_text (argv[i]);
  if (text == NULL)
    {
      sqlite3_result_error_nomem (context);
      return NULL;
    }
  if (strlen (text) != (gsize) sqlite3_value_bytes (argv[i]))
    {
      g_autofree gchar *message = g_strdup_printf (
        "phaseout_flag: argument %d contains a NUL character", i + 1);
      sqlite3_result_error (context, message, -1);
      return NULL;
    }
  return text;
}

/*
 * SELECT phaseout_flag('--root', 'DIR') or phaseout_flag('--root=DIR').
 * Registered for any number of arguments so that a wrong call gets this
 * function's own message; every argument is checked before it is read.
 */
static void
phaseout_flag_function (sqlite3_context *context, int argc, sqlite3_value **argv)
{
  Connection *connection = sqlite3_user_data (context);
  g_autofree gchar *name = NULL;
  const gchar *value = NULL;
  const gchar *equals;
  g_autoptr (PoSettings) candidate = NULL;
  g_autoptr (GError) error = NULL;

  if (argc < 1 || argc > 2)
    {
      sqlite3_result_error (context,
                            "phaseout_flag: takes a flag and its value, "
                            "phaseout_flag('--root', 'DIR'), or one "
                            "phaseout_flag('--root=DIR')",
                            -1);
      return;
    }
  for (int i = 0; i < argc; i++)
    if (text_argument (context, argv, i) == NULL)
      return;
  name = g_strdup ((const gchar *) sqlite3_value_text (argv[0]));
  if (argc == 2)
    value = (const gchar *) sqlite3_value_text (argv[1]);
  equals = strchr (name, '=');
  if (equals != NULL)
    {
      if (argc == 2)
        {
          sqlite3_result_error (context,
                                "phaseout_flag: a flag written as '--name=value' "
                                "takes no second argument",
                                -1);
          return;
        }
      name[equals - name] = '\0';
      value = equals + 1;
    }

  candidate = po_settings_copy (connection->settings);
  if (!po_settings_apply_flag (candidate, name, value, &error)
      || !register_tables (sqlite3_context_db_handle (context), &(Connection){ candidate }, &error))
    {
      sqlite3_result_error (context, error->message, -1);
      return;
    }
  po_settings_free (connection->settings);
  connection->settings = g_steal_pointer (&candidate);
  sqlite3_result_int (context, 1);
}

int
sqlite3_phaseout_init (sqlite3 *db, char **ret_error, const sqlite3_api_routines *api)
{
  g_autoptr (GError) error = NULL;
  Connection *connection = g_new0 (Connection, 1);
  int rc;

  connection->settings = po_settings_new ();
  if (!register_tables (db, connection, &error))
    {
      *ret_error = sqlite3_mprintf ("phaseout: %s", error->message);
      connection_free (connection);
      return SQLITE_ERROR;
    }
  /* it changes what the tables read: only a statement the user typed may
   * call it, never a view or trigger stored in a database file opened later */
  rc = sqlite3_create_function_v2 (db, "phaseout_flag", -1, SQLITE_UTF8 | SQLITE_DIRECTONLY,
                                   connection, phaseout_flag_function, NULL, NULL, connection_free);
  return rc;
}
