/* SPDX-License-Identifier: Apache-2.0 */
#include "po-ext-transport.h"

#include <errno.h>
#include <gio/gio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "po-error.h"

#define READ_AHEAD_BYTES (64 * 1024)
#define WRITE_FLUSH_BYTES (64 * 1024)

struct _PoSocketTransport {
  ThriftTransport  parent;
  int              fd;
  guint8          *read_buffer;
  gsize            read_position;
  gsize            read_length;
  GByteArray      *write_buffer;
  gsize            message_bytes;      /* read so far in the current message */
  gsize            max_message_bytes;
};

G_DEFINE_TYPE (PoSocketTransport, po_socket_transport, THRIFT_TYPE_TRANSPORT)

static void
set_transport_error (GError **error, ThriftTransportError code, int errsv, const gchar *what)
{
  if (errsv == EAGAIN || errsv == EWOULDBLOCK)
    g_set_error (error, THRIFT_TRANSPORT_ERROR, THRIFT_TRANSPORT_ERROR_RECEIVE,
                 "%s: timed out", what);
  else
    g_set_error (error, THRIFT_TRANSPORT_ERROR, code, "%s: %s", what, g_strerror (errsv));
}

static gboolean
transport_is_open (ThriftTransport *transport)
{
  return PO_SOCKET_TRANSPORT (transport)->fd >= 0;
}

static gboolean
transport_open (ThriftTransport *transport, GError **error)
{
  if (PO_SOCKET_TRANSPORT (transport)->fd >= 0)
    return TRUE;
  g_set_error_literal (error, THRIFT_TRANSPORT_ERROR, THRIFT_TRANSPORT_ERROR_CONNECT,
                       "socket transport is closed");
  return FALSE;
}

static gboolean
transport_close (ThriftTransport *transport, GError **error)
{
  PoSocketTransport *self = PO_SOCKET_TRANSPORT (transport);

  if (self->fd >= 0)
    {
      close (self->fd);
      self->fd = -1;
    }
  return TRUE;
}

/* one recv() into the read-ahead buffer; 0 at end of stream */
static gssize
fill (PoSocketTransport *self, GError **error)
{
  ssize_t n;

  if (self->fd < 0)
    {
      g_set_error_literal (error, THRIFT_TRANSPORT_ERROR, THRIFT_TRANSPORT_ERROR_RECEIVE,
                           "socket transport is closed");
      return -1;
    }
  do
    n = recv (self->fd, self->read_buffer, READ_AHEAD_BYTES, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    {
      set_transport_error (error, THRIFT_TRANSPORT_ERROR_RECEIVE, errno, "receive failed");
      return -1;
    }
  self->read_position = 0;
  self->read_length = (gsize) n;
  return n;
}

/* TRUE when at least one byte can be read: the server's end-of-stream test */
static gboolean
transport_peek (ThriftTransport *transport, GError **error)
{
  PoSocketTransport *self = PO_SOCKET_TRANSPORT (transport);

  if (self->read_position < self->read_length)
    return TRUE;
  return fill (self, error) > 0;
}

static gint32
transport_read (ThriftTransport *transport, gpointer buf, guint32 len, GError **error)
{
  PoSocketTransport *self = PO_SOCKET_TRANSPORT (transport);
  gsize available;

  if (self->message_bytes + len > self->max_message_bytes)
    {
      g_set_error (error, THRIFT_TRANSPORT_ERROR, THRIFT_TRANSPORT_ERROR_RECEIVE,
                   "message larger than %" G_GSIZE_FORMAT " bytes refused",
                   self->max_message_bytes);
      return -1;
    }
  if (self->read_position == self->read_length)
    {
      gssize n = fill (self, error);
      if (n < 0)
        return -1;
      if (n == 0)
        {
          g_set_error_literal (error, THRIFT_TRANSPORT_ERROR, THRIFT_TRANSPORT_ERROR_RECEIVE,
                               "peer closed the connection mid-message");
          return -1;
        }
    }
  available = MIN ((gsize) len, self->read_length - self->read_position);
  memcpy (buf, self->read_buffer + self->read_position, available);
  self->read_position += available;
  self->message_bytes += available;
  return (gint32) available;
}

static gint32
transport_read_all (ThriftTransport *transport, gpointer buf, guint32 len, GError **error)
{
  guint32 have = 0;

  while (have < len)
    {
      gint32 n = transport_read (transport, (guint8 *) buf + have, len - have, error);
      if (n < 0)
        return -1;
      have += (guint32) n;
    }
  return (gint32) have;
}

static gboolean
transport_read_end (ThriftTransport *transport, GError **error)
{
  PO_SOCKET_TRANSPORT (transport)->message_bytes = 0;
  return TRUE;
}

static gboolean
send_all (PoSocketTransport *self, const guint8 *data, gsize length, GError **error)
{
  while (length > 0)
    {
      ssize_t n = send (self->fd, data, length, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          set_transport_error (error, THRIFT_TRANSPORT_ERROR_SEND, errno, "send failed");
          return FALSE;
        }
      data += n;
      length -= (gsize) n;
    }
  return TRUE;
}

static gboolean
transport_flush (ThriftTransport *transport, GError **error)
{
  PoSocketTransport *self = PO_SOCKET_TRANSPORT (transport);
  gboolean ok;

  if (self->write_buffer->len == 0)
    return TRUE;
  if (self->fd < 0)
    {
      g_set_error_literal (error, THRIFT_TRANSPORT_ERROR, THRIFT_TRANSPORT_ERROR_SEND,
                           "socket transport is closed");
      return FALSE;
    }
  ok = send_all (self, self->write_buffer->data, self->write_buffer->len, error);
  g_byte_array_set_size (self->write_buffer, 0);
  return ok;
}

static gboolean
transport_write (ThriftTransport *transport, const gpointer buf, const guint32 len,
                 GError **error)
{
  PoSocketTransport *self = PO_SOCKET_TRANSPORT (transport);

  g_byte_array_append (self->write_buffer, buf, len);
  /* a large reply goes out as it is written rather than piling up */
  if (self->write_buffer->len >= WRITE_FLUSH_BYTES)
    return transport_flush (transport, error);
  return TRUE;
}

static gboolean
transport_write_end (ThriftTransport *transport, GError **error)
{
  return TRUE;
}

/*
 * the TConfiguration hooks of Thrift >= 0.14: the binary protocol asks
 * before it allocates a container or string; our budget is the answer
 */
static gboolean
transport_check_read_bytes_available (ThriftTransport *transport, glong n_bytes, GError **error)
{
  PoSocketTransport *self = PO_SOCKET_TRANSPORT (transport);

  if (n_bytes < 0 || self->message_bytes + (gsize) n_bytes > self->max_message_bytes)
    {
      g_set_error (error, THRIFT_TRANSPORT_ERROR, THRIFT_TRANSPORT_ERROR_RECEIVE,
                   "declared size %ld exceeds the %" G_GSIZE_FORMAT "-byte message limit",
                   n_bytes, self->max_message_bytes);
      return FALSE;
    }
  return TRUE;
}

static gboolean
transport_accept_size (ThriftTransport *transport, glong size, GError **error)
{
  return TRUE;
}

static void
po_socket_transport_finalize (GObject *object)
{
  PoSocketTransport *self = PO_SOCKET_TRANSPORT (object);

  if (self->fd >= 0)
    close (self->fd);
  g_free (self->read_buffer);
  g_byte_array_unref (self->write_buffer);
  G_OBJECT_CLASS (po_socket_transport_parent_class)->finalize (object);
}

static void
po_socket_transport_class_init (PoSocketTransportClass *klass)
{
  ThriftTransportClass *transport_class = THRIFT_TRANSPORT_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = po_socket_transport_finalize;
  transport_class->is_open = transport_is_open;
  transport_class->peek = transport_peek;
  transport_class->open = transport_open;
  transport_class->close = transport_close;
  transport_class->read = transport_read;
  transport_class->read_all = transport_read_all;
  transport_class->read_end = transport_read_end;
  transport_class->write = transport_write;
  transport_class->write_end = transport_write_end;
  transport_class->flush = transport_flush;
  transport_class->checkReadBytesAvailable = transport_check_read_bytes_available;
  transport_class->updateKnownMessageSize = transport_accept_size;
  transport_class->resetConsumedMessageSize = transport_accept_size;
  transport_class->countConsumedMessageBytes = transport_accept_size;
}

static void
po_socket_transport_init (PoSocketTransport *self)
{
  self->fd = -1;
  self->read_buffer = g_malloc (READ_AHEAD_BYTES);
  self->write_buffer = g_byte_array_new ();
}

static void
set_timeouts (int fd, guint timeout_ms)
{
  struct timeval tv = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };

  if (timeout_ms == 0)
    return;
  setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt (fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

PoSocketTransport *
po_socket_transport_new (int fd, guint timeout_ms, gsize max_message_bytes)
{
  PoSocketTransport *self = g_object_new (PO_TYPE_SOCKET_TRANSPORT, NULL);

  self->fd = fd;
  self->max_message_bytes = max_message_bytes;
  set_timeouts (fd, timeout_ms);
  return self;
}

PoSocketTransport *
po_socket_transport_connect (const gchar *path, guint timeout_ms, gsize max_message_bytes,
                             GError **error)
{
  struct sockaddr_un address = { .sun_family = AF_UNIX };
  int fd, rc;

  if (strlen (path) >= sizeof address.sun_path)
    {
      g_set_error (error, THRIFT_TRANSPORT_ERROR, THRIFT_TRANSPORT_ERROR_CONNECT,
                   "socket path %s is longer than the %zu bytes a UNIX socket allows", path,
                   sizeof address.sun_path - 1);
      return NULL;
    }
  memcpy (address.sun_path, path, strlen (path) + 1);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    {
      set_transport_error (error, THRIFT_TRANSPORT_ERROR_SOCKET, errno, "socket");
      return NULL;
    }
  /* the send timeout also bounds connect() on a UNIX socket whose backlog is full */
  set_timeouts (fd, timeout_ms);
  do
    rc = connect (fd, (struct sockaddr *) &address, sizeof address);
  while (rc < 0 && errno == EINTR);
  if (rc < 0)
    {
      int errsv = errno;
      close (fd);
      g_set_error (error, THRIFT_TRANSPORT_ERROR, THRIFT_TRANSPORT_ERROR_CONNECT,
                   "cannot connect to %s: %s", path, g_strerror (errsv));
      return NULL;
    }
  return po_socket_transport_new (fd, timeout_ms, max_message_bytes);
}

int
po_socket_transport_get_fd (PoSocketTransport *transport)
{
  return transport->fd;
}
