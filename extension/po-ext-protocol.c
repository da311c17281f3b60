/* SPDX-License-Identifier: Apache-2.0 */
#include "po-ext-protocol.h"

#include <string.h>

struct _PoBoundedProtocol {
  ThriftBinaryProtocol parent;
  guint depth;
  const gchar *const *server_methods; /* NULL: a client, any reply accepted */
};

G_DEFINE_TYPE (PoBoundedProtocol, po_bounded_protocol, THRIFT_TYPE_BINARY_PROTOCOL)

#define PARENT_CLASS THRIFT_PROTOCOL_CLASS (po_bounded_protocol_parent_class)

static gboolean
enter (ThriftProtocol *protocol, GError **error)
{
  PoBoundedProtocol *self = PO_BOUNDED_PROTOCOL (protocol);

  if (self->depth >= PO_PROTOCOL_MAX_DEPTH)
    {
      g_set_error (error, THRIFT_PROTOCOL_ERROR, THRIFT_PROTOCOL_ERROR_DEPTH_LIMIT,
                   "message nests deeper than %d levels", PO_PROTOCOL_MAX_DEPTH);
      return FALSE;
    }
  self->depth++;
  return TRUE;
}

static void
leave (ThriftProtocol *protocol)
{
  PoBoundedProtocol *self = PO_BOUNDED_PROTOCOL (protocol);

  if (self->depth > 0)
    self->depth--;
}

static gint32
read_struct_begin (ThriftProtocol *protocol, gchar **name, GError **error)
{
  if (!enter (protocol, error))
    return -1;
  return PARENT_CLASS->read_struct_begin (protocol, name, error);
}

static gint32
read_struct_end (ThriftProtocol *protocol, GError **error)
{
  leave (protocol);
  return PARENT_CLASS->read_struct_end (protocol, error);
}

static gint32
read_map_begin (ThriftProtocol *protocol, ThriftType *key_type, ThriftType *value_type,
                guint32 *size, GError **error)
{
  if (!enter (protocol, error))
    return -1;
  return PARENT_CLASS->read_map_begin (protocol, key_type, value_type, size, error);
}

static gint32
read_map_end (ThriftProtocol *protocol, GError **error)
{
  leave (protocol);
  return PARENT_CLASS->read_map_end (protocol, error);
}

static gint32
read_list_begin (ThriftProtocol *protocol, ThriftType *element_type, guint32 *size, GError **error)
{
  if (!enter (protocol, error))
    return -1;
  return PARENT_CLASS->read_list_begin (protocol, element_type, size, error);
}

static gint32
read_list_end (ThriftProtocol *protocol, GError **error)
{
  leave (protocol);
  return PARENT_CLASS->read_list_end (protocol, error);
}

static gint32
read_set_begin (ThriftProtocol *protocol, ThriftType *element_type, guint32 *size, GError **error)
{
  if (!enter (protocol, error))
    return -1;
  return PARENT_CLASS->read_set_begin (protocol, element_type, size, error);
}

static gint32
read_set_end (ThriftProtocol *protocol, GError **error)
{
  leave (protocol);
  return PARENT_CLASS->read_set_end (protocol, error);
}

/* a length-prefixed byte string, its length checked before allocation */
static gint32
read_sized (ThriftProtocol *protocol, gpointer *ret_buffer, guint32 *ret_length, GError **error)
{
  gint32 length;
  gint32 header;
  guint8 *buffer;

  header = thrift_protocol_read_i32 (protocol, &length, error);
  if (header < 0)
    return -1;
  if (length < 0 || length > PO_PROTOCOL_MAX_STRING)
    {
      g_set_error (error, THRIFT_PROTOCOL_ERROR,
                   length < 0 ? THRIFT_PROTOCOL_ERROR_NEGATIVE_SIZE
                              : THRIFT_PROTOCOL_ERROR_SIZE_LIMIT,
                   "string of %d bytes refused (limit %d)", length, PO_PROTOCOL_MAX_STRING);
      return -1;
    }
  if (!THRIFT_TRANSPORT_GET_CLASS (protocol->transport)
         ->checkReadBytesAvailable (protocol->transport, length, error))
    return -1;
  buffer = g_malloc ((gsize) length + 1);
  if (length > 0
      && thrift_transport_read_all (protocol->transport, buffer, (guint32) length, error) < 0)
    {
      g_free (buffer);
      return -1;
    }
  buffer[length] = '\0';
  *ret_buffer = buffer;
  *ret_length = (guint32) length;
  return header + length;
}

/*
 * The outputs are set (to NULL) even on failure: c_glib 0.17's
 * thrift_protocol_skip() frees what read_string/read_binary return whether
 * they failed or not, and an unset pointer was an uninitialised one (a
 * call with an unknown string field of a refused size made it free a
 * stack address).
 */
static gint32
read_string (ThriftProtocol *protocol, gchar **str, GError **error)
{
  gpointer buffer = NULL;
  guint32 length;
  gint32 n;

  *str = NULL;
  n = read_sized (protocol, &buffer, &length, error);
  if (n < 0)
    return -1;
  *str = buffer;
  return n;
}

static gint32
read_binary (ThriftProtocol *protocol, gpointer *buf, guint32 *len, GError **error)
{
  gpointer buffer = NULL;
  guint32 length;
  gint32 n;

  *buf = NULL;
  *len = 0;
  n = read_sized (protocol, &buffer, &length, error);
  if (n < 0)
    return -1;
  if (length == 0)
    g_clear_pointer (&buffer, g_free);
  *buf = buffer;
  *len = length;
  return n;
}

static gboolean
message_acceptable (PoBoundedProtocol *self, const gchar *name, ThriftMessageType type)
{
  if (self->server_methods == NULL)
    return type == T_CALL || type == T_ONEWAY || type == T_REPLY || type == T_EXCEPTION;
  return (type == T_CALL || type == T_ONEWAY) && g_strv_contains (self->server_methods, name);
}

/*
 * strict header: 0x8001 | type, name, seqid.  Old non-strict header:
 * name length (>= 0), name, type byte, seqid.  Anything else is refused,
 * and so is a type that does not exist or, on a server, anything but a
 * call to one of its methods.
 */
static gint32
read_message_begin (ThriftProtocol *protocol, gchar **name, ThriftMessageType *message_type,
                    gint32 *seqid, GError **error)
{
  gint32 word, n, total;

  PO_BOUNDED_PROTOCOL (protocol)->depth = 0;
  if ((total = thrift_protocol_read_i32 (protocol, &word, error)) < 0)
    return -1;
  if (word < 0)
    {
      if (((guint32) word & THRIFT_BINARY_PROTOCOL_VERSION_MASK)
          != THRIFT_BINARY_PROTOCOL_VERSION_1)
        {
          g_set_error (error, THRIFT_PROTOCOL_ERROR, THRIFT_PROTOCOL_ERROR_BAD_VERSION,
                       "bad protocol version 0x%08x", (guint32) word);
          return -1;
        }
      *message_type = (ThriftMessageType) (word & 0xff);
      if ((n = read_string (protocol, name, error)) < 0)
        return -1;
      total += n;
    }
  else
    {
      gint8 type;
      guint8 *buffer;
      if (word > PO_PROTOCOL_MAX_STRING)
        {
          g_set_error (error, THRIFT_PROTOCOL_ERROR, THRIFT_PROTOCOL_ERROR_SIZE_LIMIT,
                       "method name of %d bytes refused", word);
          return -1;
        }
      buffer = g_malloc ((gsize) word + 1);
      if (word > 0
          && thrift_transport_read_all (protocol->transport, buffer, (guint32) word, error) < 0)
        {
          g_free (buffer);
          return -1;
        }
      buffer[word] = '\0';
      total += word;
      if ((n = thrift_protocol_read_byte (protocol, &type, error)) < 0)
        {
          g_free (buffer);
          return -1;
        }
      total += n;
      *name = (gchar *) buffer;
      *message_type = (ThriftMessageType) type;
    }
  if ((n = thrift_protocol_read_i32 (protocol, seqid, error)) < 0)
    {
      g_clear_pointer (name, g_free);
      return -1;
    }
  if (!message_acceptable (PO_BOUNDED_PROTOCOL (protocol), *name, *message_type))
    {
      g_set_error (error, THRIFT_PROTOCOL_ERROR, THRIFT_PROTOCOL_ERROR_INVALID_DATA,
                   "message of type %d to an unknown method refused", (gint) *message_type);
      g_clear_pointer (name, g_free);
      return -1;
    }
  return total + n;
}

static void
po_bounded_protocol_class_init (PoBoundedProtocolClass *klass)
{
  ThriftProtocolClass *protocol_class = THRIFT_PROTOCOL_CLASS (klass);

  protocol_class->read_message_begin = read_message_begin;
  protocol_class->read_struct_begin = read_struct_begin;
  protocol_class->read_struct_end = read_struct_end;
  protocol_class->read_map_begin = read_map_begin;
  protocol_class->read_map_end = read_map_end;
  protocol_class->read_list_begin = read_list_begin;
  protocol_class->read_list_end = read_list_end;
  protocol_class->read_set_begin = read_set_begin;
  protocol_class->read_set_end = read_set_end;
  protocol_class->read_string = read_string;
  protocol_class->read_binary = read_binary;
}

static void
po_bounded_protocol_init (PoBoundedProtocol *self)
{
}

PoBoundedProtocol *
po_bounded_protocol_new (ThriftTransport *transport)
{
  return g_object_new (PO_TYPE_BOUNDED_PROTOCOL, "transport", transport, NULL);
}

void
po_bounded_protocol_set_server_methods (PoBoundedProtocol *protocol, const gchar *const *methods)
{
  protocol->server_methods = methods;
}

/* ---- writing table rows ---- */

static void
put_i32 (GByteArray *out, guint32 value)
{
  guint8 bytes[4] = { value >> 24, value >> 16, value >> 8, value };
  g_byte_array_append (out, bytes, 4);
}

static void
put_string (GByteArray *out, const gchar *text)
{
  gsize length = strlen (text);
  put_i32 (out, (guint32) length);
  g_byte_array_append (out, (const guint8 *) text, (guint) length);
}

/*
 * the rows in the binary protocol's encoding (a list of string maps), put
 * together here and handed to the transport in blocks: the protocol's own
 * calls cost several GObject dispatches per string.  Used by the handler's
 * generate reply (po-ext-handler.c).
 */
gint32
po_protocol_write_rows (PoRows *rows, ThriftProtocol *protocol, GError **error)
{
  const PoTableSchema *schema = po_rows_get_schema (rows);
  guint n_rows = po_rows_get_n_rows (rows);
  g_autoptr (GByteArray) out = g_byte_array_sized_new (64 * 1024 + 4096);
  gint32 xfer = 0;
  guint8 list_type = T_MAP;

  g_byte_array_append (out, &list_type, 1);
  put_i32 (out, n_rows);
  for (guint r = 0; r < n_rows; r++)
    {
      guint8 types[2] = { T_STRING, T_STRING };
      guint32 n_cells = 0;

      for (guint c = 0; c < schema->n_columns; c++)
        if (po_rows_get (rows, r, c) != NULL)
          n_cells++;
      g_byte_array_append (out, types, 2);
      put_i32 (out, n_cells);
      for (guint c = 0; c < schema->n_columns; c++)
        {
          const gchar *value = po_rows_get (rows, r, c);
          if (value == NULL)
            continue;
          put_string (out, schema->columns[c].name);
          put_string (out, value);
        }
      if (out->len >= 64 * 1024 || r + 1 == n_rows)
        {
          if (!thrift_transport_write (protocol->transport, out->data, out->len, error))
            return -1;
          xfer += (gint32) out->len;
          g_byte_array_set_size (out, 0);
        }
    }
  if (out->len > 0)
    {
      if (!thrift_transport_write (protocol->transport, out->data, out->len, error))
        return -1;
      xfer += (gint32) out->len;
    }
  return xfer;
}
