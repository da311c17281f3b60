/* SPDX-License-Identifier: Apache-2.0 */
#include "po-ext-manager.h"

#include "po-error.h"
#include "po-ext-protocol.h"
#include "po-ext-transport.h"

/* replies from osqueryd are small, except options(): a few hundred flags */
#define MANAGER_MAX_MESSAGE (16 * 1024 * 1024)

/* SDK version sent at registration; osqueryd only requires >= 1.7.7 */
#define PHASEOUT_SDK_VERSION "5.0.0"

typedef struct {
  PoSocketTransport *transport;
  PoBoundedProtocol *protocol;
  OsqueryExtensionManagerClient *client;
} Connection;

static void
connection_clear (Connection *connection)
{
  if (connection->transport != NULL)
    thrift_transport_close (THRIFT_TRANSPORT (connection->transport), NULL);
  g_clear_object (&connection->client);
  g_clear_object (&connection->protocol);
  g_clear_object (&connection->transport);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Connection, connection_clear)

static gboolean
connection_open (Connection *connection, const gchar *socket_path, guint timeout_ms, GError **error)
{
  connection->transport = po_socket_transport_connect (socket_path, timeout_ms, MANAGER_MAX_MESSAGE,
                                                       error);
  if (connection->transport == NULL)
    return FALSE;
  connection->protocol = po_bounded_protocol_new (THRIFT_TRANSPORT (connection->transport));
  connection->client = g_object_new (OSQUERY_TYPE_EXTENSION_MANAGER_CLIENT, "input_protocol",
                                     connection->protocol, "output_protocol", connection->protocol,
                                     NULL);
  return TRUE;
}

#define MANAGER(connection) OSQUERY_EXTENSION_MANAGER_IF ((connection)->client)

static gboolean
check_status (OsqueryExtensionStatus *status, const gchar *what, GError **error)
{
  if (status->code == 0)
    return TRUE;
  g_set_error (error, PO_ERROR, PO_ERROR_FAILED, "%s: osquery answered %d: %s", what, status->code,
               status->message != NULL ? status->message : "(no message)");
  return FALSE;
}

gboolean
po_ext_manager_ping (const gchar *socket_path, guint timeout_ms, GError **error)
{
  g_auto (Connection) connection = { 0 };
  g_autoptr (OsqueryExtensionStatus) status = g_object_new (OSQUERY_TYPE_EXTENSION_STATUS, NULL);

  if (!connection_open (&connection, socket_path, timeout_ms, error))
    return FALSE;
  if (!osquery_extension_client_ping (OSQUERY_EXTENSION_IF (connection.client), &status, error))
    return FALSE;
  /* osquery's own client treats any code but 1 as alive */
  if (status->code == 1)
    return check_status (status, "ping", error);
  return TRUE;
}

gboolean
po_ext_manager_register (const gchar *socket_path, guint timeout_ms, const gchar *name,
                         const gchar *version, GHashTable *registry, gint64 *ret_uuid,
                         GError **error)
{
  g_auto (Connection) connection = { 0 };
  g_autoptr (OsqueryExtensionStatus) status = g_object_new (OSQUERY_TYPE_EXTENSION_STATUS, NULL);
  g_autoptr (OsqueryInternalExtensionInfo) info = g_object_new (
    OSQUERY_TYPE_INTERNAL_EXTENSION_INFO, "name", name, "version", version, "sdk_version",
    PHASEOUT_SDK_VERSION, "min_sdk_version", "0.0.0", NULL);

  if (!connection_open (&connection, socket_path, timeout_ms, error))
    return FALSE;
  if (!osquery_extension_manager_client_register_extension (MANAGER (&connection), &status, info,
                                                            registry, error))
    return FALSE;
  if (!check_status (status, "registerExtension", error))
    return FALSE;
  if (status->uuid <= 0)
    {
      g_set_error (error, PO_ERROR, PO_ERROR_INVALID_DATA,
                   "registerExtension: osquery returned the invalid uuid %" G_GINT64_FORMAT,
                   status->uuid);
      return FALSE;
    }
  *ret_uuid = status->uuid;
  return TRUE;
}

gboolean
po_ext_manager_deregister (const gchar *socket_path, guint timeout_ms, gint64 uuid, GError **error)
{
  g_auto (Connection) connection = { 0 };
  g_autoptr (OsqueryExtensionStatus) status = g_object_new (OSQUERY_TYPE_EXTENSION_STATUS, NULL);

  if (!connection_open (&connection, socket_path, timeout_ms, error))
    return FALSE;
  if (!osquery_extension_manager_client_deregister_extension (MANAGER (&connection), &status, uuid,
                                                              error))
    return FALSE;
  return check_status (status, "deregisterExtension", error);
}

gboolean
po_ext_manager_is_registered (const gchar *socket_path, guint timeout_ms, gint64 uuid,
                              gboolean *ret_registered, GError **error)
{
  g_auto (Connection) connection = { 0 };
  g_autoptr (GHashTable) extensions = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                             g_object_unref);

  if (!connection_open (&connection, socket_path, timeout_ms, error))
    return FALSE;
  if (!osquery_extension_manager_client_extensions (MANAGER (&connection), &extensions, error))
    return FALSE;
  *ret_registered = g_hash_table_contains (extensions, &uuid);
  return TRUE;
}

gboolean
po_ext_manager_get_options (const gchar *socket_path, guint timeout_ms, GHashTable **ret_options,
                            GError **error)
{
  g_auto (Connection) connection = { 0 };
  g_autoptr (GHashTable) options = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          g_object_unref);
  GHashTable *values;
  GHashTableIter iter;
  gpointer key, value;

  if (!connection_open (&connection, socket_path, timeout_ms, error))
    return FALSE;
  if (!osquery_extension_manager_client_options (MANAGER (&connection), &options, error))
    return FALSE;
  values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_iter_init (&iter, options);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      OsqueryInternalOptionInfo *option = value;
      g_hash_table_insert (values, g_strdup (key),
                           g_strdup (option->value != NULL ? option->value : ""));
    }
  *ret_options = values;
  return TRUE;
}
