/* SPDX-License-Identifier: Apache-2.0 */
#include "po-ext-transport.h"

#include <errno.h>
#include <gio/gio.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "po-error.h"

#define READ_AHEAD_BYTES  (64 * 1024)
#define WRITE_FLUSH_BYTES (64 * 1024)

struct _PoSocketTransport {
  ThriftTransport parent;
  int fd;
  guint8 *read_buffer;
  gsize read_position;
  gsize read_length;
  GByteArray *write_buffer;
  gsize message_bytes; /* read so far in the current message */
  gsize max_message_bytes;
  guint receive_timeout_ms; /* longest silence; 0: none */
  gint64 request_budget_us; /* a whole message from its first byte; 0: none */
  gint64 request_deadline;  /* monotonic; 0 between messages */
  gint64 reply_deadline;    /* monotonic, from a reply's first send; 0: none */
  gint64 lifetime_end;      /* monotonic: no new message after it; 0: none */
};

G_DEFINE_TYPE (PoSocketTransport, po_socket_transport, THRIFT_TYPE_TRANSPORT)

/* the quark's name is the macro's first argument as written: clang-format
 * would put spaces around its dashes */
/* clang-format off */
G_DEFINE_QUARK (po-socket-transport-error-quark, po_socket_transport_error)
/* clang-format on */

static void
set_transport_error (GError **error, ThriftTransportError code, int errsv, const gchar *what)
{
  if (errsv == EAGAIN || errsv == EWOULDBLOCK)
    g_set_error (error, THRIFT_TRANSPORT_ERROR, THRIFT_TRANSPORT_ERROR_RECEIVE, "%s: timed out",
                 what);
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

/* the first byte of a message starts its clock (peek or read, whichever sees it) */
static void
begin_message (PoSocketTransport *self)
{
  if (self->request_deadline == 0 && self->request_budget_us > 0)
    self->request_deadline = g_get_monotonic_time () + self->request_budget_us;
}

/* the error for a wait that reached the deadline: the message's, or between
 * messages the connection's lifetime */
static void
set_deadline_error (PoSocketTransport *self, GError **error)
{
  if (self->request_deadline != 0)
    g_set_error (error, PO_SOCKET_TRANSPORT_ERROR, PO_SOCKET_TRANSPORT_ERROR_REQUEST_DEADLINE,
                 "request not complete %" G_GINT64_FORMAT " ms after its first byte "
                 "(%" G_GSIZE_FORMAT " bytes read)",
                 self->request_budget_us / 1000, self->message_bytes);
  else
    g_set_error_literal (error, PO_SOCKET_TRANSPORT_ERROR, PO_SOCKET_TRANSPORT_ERROR_LIFETIME,
                         "connection open too long to start another request");
}

/*
** waits until the socket is readable, for at most the receive timeout and
** never past the message's deadline (or, between messages, the end of the
** connection's lifetime); one poll() per wait, re-armed only after EINTR
*/
static gboolean
wait_readable (PoSocketTransport *self, GError **error)
{
  gint64 deadline = self->request_deadline != 0 ? self->request_deadline : self->lifetime_end;
  struct pollfd pfd = { .fd = self->fd, .events = POLLIN };

  for (;;)
    {
      gint64 now = g_get_monotonic_time ();
      gint64 wait_us = self->receive_timeout_ms > 0 ? (gint64) self->receive_timeout_ms * 1000 : -1;
      gboolean deadline_first = deadline != 0 && (wait_us < 0 || deadline - now <= wait_us);
      int rc;

      if (deadline_first && deadline <= now)
        {
          set_deadline_error (self, error);
          return FALSE;
        }
      if (deadline_first)
        wait_us = deadline - now;
      /* rounded up, so a wait never ends just short of its deadline */
      rc = poll (&pfd, 1, wait_us < 0 ? -1 : (int) MIN ((wait_us + 999) / 1000, G_MAXINT));
      if (rc > 0)
        return TRUE;
      if (rc < 0 && errno == EINTR)
        continue;
      if (rc < 0)
        {
          set_transport_error (error, THRIFT_TRANSPORT_ERROR_RECEIVE, errno, "poll failed");
          return FALSE;
        }
      if (deadline_first)
        continue; /* at the deadline now: the check above says which */
      g_set_error_literal (error, PO_SOCKET_TRANSPORT_ERROR, PO_SOCKET_TRANSPORT_ERROR_SILENT,
                           "receive failed: timed out");
      return FALSE;
    }
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
  if (!wait_readable (self, error))
    return -1;
  do
    n = recv (self->fd, self->read_buffer, READ_AHEAD_BYTES, MSG_DONTWAIT);
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

  /* bytes read ahead do not let a new message in after the lifetime */
  if (self->request_deadline == 0 && self->lifetime_end != 0
      && g_get_monotonic_time () >= self->lifetime_end)
    {
      set_deadline_error (self, error);
      return FALSE;
    }
  if (self->read_position < self->read_length || fill (self, error) > 0)
    {
      begin_message (self);
      return TRUE;
    }
  return FALSE;
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
  begin_message (self);
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
  PoSocketTransport *self = PO_SOCKET_TRANSPORT (transport);

  self->message_bytes = 0;
  self->request_deadline = 0;
  /* what is written next is the reply to this request: its own clock */
  self->reply_deadline = 0;
  return TRUE;
}

/*
 * waits until the socket takes more of a reply, never past the reply's
 * deadline: a peer that asks for a large reply and reads it a few bytes
 * at a time would otherwise hold its worker for as long as it reads
 */
static gboolean
wait_writable (PoSocketTransport *self, GError **error)
{
  struct pollfd pfd = { .fd = self->fd, .events = POLLOUT };

  for (;;)
    {
      gint64 left_us = self->reply_deadline - g_get_monotonic_time ();
      int rc;

      if (left_us <= 0)
        {
          g_set_error (error, PO_SOCKET_TRANSPORT_ERROR, PO_SOCKET_TRANSPORT_ERROR_REPLY_DEADLINE,
                       "reply not taken %" G_GINT64_FORMAT " ms after its first byte",
                       self->request_budget_us / 1000);
          return FALSE;
        }
      rc = poll (&pfd, 1, (int) MIN ((left_us + 999) / 1000, G_MAXINT));
      if (rc > 0)
        return TRUE;
      if (rc < 0 && errno != EINTR)
        {
          set_transport_error (error, THRIFT_TRANSPORT_ERROR_SEND, errno, "poll failed");
          return FALSE;
        }
    }
}

static gboolean
send_all (PoSocketTransport *self, const guint8 *data, gsize length, GError **error)
{
  /* a reply gets the same budget as a request, from its first send */
  if (self->request_budget_us > 0 && self->reply_deadline == 0)
    self->reply_deadline = g_get_monotonic_time () + self->request_budget_us;
  while (length > 0)
    {
      ssize_t n;

      if (self->reply_deadline != 0 && !wait_writable (self, error))
        return FALSE;
      n = send (self->fd, data, length,
                MSG_NOSIGNAL | (self->reply_deadline != 0 ? MSG_DONTWAIT : 0));
      if (n < 0 && (errno == EINTR || (self->reply_deadline != 0 && errno == EAGAIN)))
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
transport_write (ThriftTransport *transport, const gpointer buf, const guint32 len, GError **error)
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
                   "declared size %ld exceeds the %" G_GSIZE_FORMAT "-byte message limit", n_bytes,
                   self->max_message_bytes);
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

/* receives wait in poll() (wait_readable); sends rely on the socket's timeout */
static void
set_send_timeout (int fd, guint timeout_ms)
{
  struct timeval tv = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };

  if (timeout_ms == 0)
    return;
  setsockopt (fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

PoSocketTransport *
po_socket_transport_new (int fd, guint timeout_ms, gsize max_message_bytes)
{
  PoSocketTransport *self = g_object_new (PO_TYPE_SOCKET_TRANSPORT, NULL);

  self->fd = fd;
  self->max_message_bytes = max_message_bytes;
  self->receive_timeout_ms = timeout_ms;
  set_send_timeout (fd, timeout_ms);
  return self;
}

void
po_socket_transport_set_deadlines (PoSocketTransport *transport, guint request_ms,
                                   guint lifetime_ms)
{
  transport->request_budget_us = (gint64) request_ms * 1000;
  transport->lifetime_end = lifetime_ms > 0 ? g_get_monotonic_time () + (gint64) lifetime_ms * 1000
                                            : 0;
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
  set_send_timeout (fd, timeout_ms);
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
