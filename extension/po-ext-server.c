/* SPDX-License-Identifier: Apache-2.0 */
#include "po-ext-server.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "po-ext-handler.h"
#include "po-ext-protocol.h"
#include "po-ext-transport.h"

/*
 * shared between the owner, the accept thread and the workers; freed by
 * whichever lets go last, so a worker that outlives stop() (a slow
 * generate) never touches freed memory
 */
typedef struct {
  gint ref_count;
  gchar *path; /* where the socket is: staging, then published */
  int listen_fd;
  int wake[2]; /* self-pipe: stop() wakes the accept loop */
  OsqueryExtensionHandler *handler;
  GMutex lock;
  GCond idle;
  GHashTable *active; /* fds being served */
  gboolean stopping;
  PoExtServerLimits limits;
  guint refused; /* since the last accepted connection */
} ServerState;

struct _PoExtServer {
  ServerState *state;
  GThread *accept_thread;
};

typedef struct {
  ServerState *state;
  int fd;
} Connection;

const PoExtServerLimits po_ext_server_default_limits = {
  .receive_timeout_ms = PO_EXT_SERVER_TIMEOUT_MS,
  .request_deadline_ms = PO_EXT_SERVER_REQUEST_DEADLINE_MS,
  .lifetime_ms = PO_EXT_SERVER_LIFETIME_MS,
  .max_connections = PO_EXT_SERVER_MAX_CONNECTIONS,
};

static ServerState *
state_ref (ServerState *state)
{
  g_atomic_int_inc (&state->ref_count);
  return state;
}

static void
state_unref (ServerState *state)
{
  if (!g_atomic_int_dec_and_test (&state->ref_count))
    return;
  if (state->listen_fd >= 0)
    close (state->listen_fd);
  close (state->wake[0]);
  close (state->wake[1]);
  g_object_unref (state->handler);
  g_hash_table_unref (state->active);
  g_mutex_clear (&state->lock);
  g_cond_clear (&state->idle);
  g_free (state->path);
  g_free (state);
}

/*
** why a connection ended, once: a request that did not arrive whole in time
** is not osqueryd (whose requests come in one write) and is worth a
** warning; the rest (silence, hang-ups, garbage) is debug noise
*/
static void
log_connection_end (int fd, const GError *error)
{
  if (error == NULL) /* the peer hung up between requests: the normal end */
    return;
  if (g_error_matches (error, PO_SOCKET_TRANSPORT_ERROR,
                       PO_SOCKET_TRANSPORT_ERROR_REQUEST_DEADLINE))
    g_warning ("connection %d closed: %s; a peer trickling its request?", fd, error->message);
  else if (g_error_matches (error, PO_SOCKET_TRANSPORT_ERROR,
                            PO_SOCKET_TRANSPORT_ERROR_REPLY_DEADLINE))
    g_warning ("connection %d closed: %s; a peer not reading its reply?", fd, error->message);
  else
    g_debug ("connection %d: %s", fd, error->message);
}

/*
** the worker: one osquery connection, any number of RPCs on it (osqueryd
** sends one), until the peer closes, times out or sends garbage
*/
static gpointer
serve_connection (gpointer data)
{
  Connection *connection = data;
  ServerState *state = connection->state;
  g_autoptr (PoSocketTransport) transport = po_socket_transport_new (
    connection->fd, state->limits.receive_timeout_ms, PO_EXT_SERVER_MAX_MESSAGE);
  g_autoptr (PoBoundedProtocol) protocol = po_bounded_protocol_new (THRIFT_TRANSPORT (transport));
  g_autoptr (OsqueryExtensionProcessor) processor = g_object_new (OSQUERY_TYPE_EXTENSION_PROCESSOR,
                                                                  "handler", state->handler, NULL);

  po_socket_transport_set_deadlines (transport, state->limits.request_deadline_ms,
                                     state->limits.lifetime_ms);
  po_bounded_protocol_set_server_methods (protocol, po_ext_handler_methods);
  for (;;)
    {
      g_autoptr (GError) error = NULL;

      if (!thrift_transport_peek (THRIFT_TRANSPORT (transport), &error)
          || !thrift_processor_process (THRIFT_PROCESSOR (processor), THRIFT_PROTOCOL (protocol),
                                        THRIFT_PROTOCOL (protocol), &error))
        {
          log_connection_end (connection->fd, error);
          break;
        }
    }

  /* forget the fd before the transport closes it, so stop() can never
   * shut down a descriptor number that has been reused */
  g_mutex_lock (&state->lock);
  g_hash_table_remove (state->active, GINT_TO_POINTER (connection->fd));
  if (g_hash_table_size (state->active) == 0)
    g_cond_broadcast (&state->idle);
  g_mutex_unlock (&state->lock);
  g_clear_object (&processor);
  g_clear_object (&protocol);
  g_clear_object (&transport);
  state_unref (state);
  g_free (connection);
  return NULL;
}

static void
start_worker (ServerState *state, int fd)
{
  Connection *connection;
  GThread *thread;
  g_autoptr (GError) error = NULL;

  g_mutex_lock (&state->lock);
  if (state->stopping)
    {
      g_mutex_unlock (&state->lock);
      g_debug ("refusing a connection: stopping");
      close (fd);
      return;
    }
  if (g_hash_table_size (state->active) >= state->limits.max_connections)
    {
      /* a warning for the first refusal of a run, not one per connection:
       * a flood must not flood the log too */
      if (state->refused++ == 0)
        g_warning ("refusing connections: %u already open, the most served at once",
                   state->limits.max_connections);
      g_mutex_unlock (&state->lock);
      close (fd);
      return;
    }
  if (state->refused > 0)
    g_message ("accepting connections again, after refusing %u", state->refused);
  state->refused = 0;
  g_hash_table_add (state->active, GINT_TO_POINTER (fd));
  g_mutex_unlock (&state->lock);

  connection = g_new0 (Connection, 1);
  connection->state = state_ref (state);
  connection->fd = fd;
  thread = g_thread_try_new ("phaseout-conn", serve_connection, connection, &error);
  if (thread == NULL)
    {
      g_warning ("cannot start a connection thread: %s", error->message);
      g_mutex_lock (&state->lock);
      g_hash_table_remove (state->active, GINT_TO_POINTER (fd));
      g_mutex_unlock (&state->lock);
      close (fd);
      state_unref (state);
      g_free (connection);
      return;
    }
  g_thread_unref (thread);
}

static gpointer
accept_loop (gpointer data)
{
  ServerState *state = data;
  struct pollfd fds[2] = {
    { .fd = state->listen_fd, .events = POLLIN },
    { .fd = state->wake[0], .events = POLLIN },
  };

  for (;;)
    {
      int fd;

      if (poll (fds, G_N_ELEMENTS (fds), -1) < 0)
        {
          if (errno == EINTR)
            continue;
          g_warning ("poll on the extension socket: %s", g_strerror (errno));
          break;
        }
      if (fds[1].revents != 0)
        break;
      if (fds[0].revents == 0)
        continue;
      fd = accept4 (state->listen_fd, NULL, NULL, SOCK_CLOEXEC);
      if (fd < 0)
        {
          /* ECONNABORTED, EINTR, EMFILE...: the loop survives them all;
           * a short pause keeps EMFILE from spinning */
          if (errno != EINTR && errno != ECONNABORTED && errno != EAGAIN)
            g_usleep (10 * 1000);
          continue;
        }
      start_worker (state, fd);
    }
  return NULL;
}

/*
 * bind() fails with EADDRINUSE on a socket file left by a killed
 * extension, so remove a stale one first; but never remove something
 * that is not a socket
 */
static gboolean
remove_stale_socket (const gchar *path, GError **error)
{
  struct stat st;

  if (lstat (path, &st) < 0)
    return TRUE;
  if (!S_ISSOCK (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   "%s exists and is not a socket; not removing it", path);
      return FALSE;
    }
  if (unlink (path) < 0 && errno != ENOENT)
    {
      int errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   "cannot remove stale socket %s: %s", path, g_strerror (errsv));
      return FALSE;
    }
  return TRUE;
}

static int
listen_on (const gchar *path, GError **error)
{
  struct sockaddr_un address = { .sun_family = AF_UNIX };
  mode_t old_umask;
  int fd, rc;

  if (strlen (path) >= sizeof address.sun_path)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FILENAME_TOO_LONG,
                   "socket path %s is longer than the %zu bytes a UNIX socket allows", path,
                   sizeof address.sun_path - 1);
      return -1;
    }
  if (!remove_stale_socket (path, error))
    return -1;
  memcpy (address.sun_path, path, strlen (path) + 1);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    {
      int errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), "socket: %s",
                   g_strerror (errsv));
      return -1;
    }
  /* the umask makes the file 0600 from the start: no window in which
   * another user could connect before a chmod */
  old_umask = umask (0177);
  rc = bind (fd, (struct sockaddr *) &address, sizeof address);
  umask (old_umask);
  if (rc < 0 || listen (fd, SOMAXCONN) < 0)
    {
      int errsv = errno;
      close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), "cannot listen on %s: %s",
                   path, g_strerror (errsv));
      return -1;
    }
  return fd;
}

PoExtServer *
po_ext_server_new (const gchar *path, OsqueryExtensionHandler *handler, GError **error)
{
  return po_ext_server_new_with_limits (path, handler, &po_ext_server_default_limits, error);
}

PoExtServer *
po_ext_server_new_with_limits (const gchar *path, OsqueryExtensionHandler *handler,
                               const PoExtServerLimits *limits, GError **error)
{
  g_autoptr (GError) thread_error = NULL;
  ServerState *state;
  PoExtServer *server;
  int fd = listen_on (path, error);

  if (fd < 0)
    return NULL;
  state = g_new0 (ServerState, 1);
  state->ref_count = 1;
  state->path = g_strdup (path);
  state->listen_fd = fd;
  state->limits = *limits;
  if (pipe2 (state->wake, O_CLOEXEC) < 0)
    {
      int errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), "pipe: %s",
                   g_strerror (errsv));
      close (fd);
      unlink (path);
      g_free (state->path);
      g_free (state);
      return NULL;
    }
  state->handler = g_object_ref (handler);
  state->active = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_mutex_init (&state->lock);
  g_cond_init (&state->idle);

  server = g_new0 (PoExtServer, 1);
  server->state = state;
  server->accept_thread = g_thread_try_new ("phaseout-accept", accept_loop, state, &thread_error);
  if (server->accept_thread == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&thread_error));
      unlink (path);
      state_unref (state);
      g_free (server);
      return NULL;
    }
  return server;
}

gboolean
po_ext_server_publish (PoExtServer *server, const gchar *path, GError **error)
{
  ServerState *state = server->state;
  struct sockaddr_un address;

  if (strlen (path) >= sizeof address.sun_path)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FILENAME_TOO_LONG,
                   "socket path %s is longer than the %zu bytes a UNIX socket allows", path,
                   sizeof address.sun_path - 1);
      return FALSE;
    }
  if (!remove_stale_socket (path, error))
    return FALSE;
  if (rename (state->path, path) < 0)
    {
      int errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), "cannot move %s to %s: %s",
                   state->path, path, g_strerror (errsv));
      return FALSE;
    }
  /* the path is only used by the owner's thread (publish, stop) */
  g_free (state->path);
  state->path = g_strdup (path);
  return TRUE;
}

void
po_ext_server_stop (PoExtServer *server)
{
  ServerState *state = server->state;
  GHashTableIter iter;
  gpointer fd;
  gint64 deadline;

  if (server->accept_thread == NULL)
    return;
  g_mutex_lock (&state->lock);
  state->stopping = TRUE;
  g_mutex_unlock (&state->lock);
  while (write (state->wake[1], "x", 1) < 0 && errno == EINTR)
    ;
  g_thread_join (g_steal_pointer (&server->accept_thread));
  close (state->listen_fd);
  state->listen_fd = -1;
  unlink (state->path);

  /* wake every worker out of its recv(); a worker inside a generate
   * finishes it, fails to send, and exits */
  g_mutex_lock (&state->lock);
  g_hash_table_iter_init (&iter, state->active);
  while (g_hash_table_iter_next (&iter, &fd, NULL))
    shutdown (GPOINTER_TO_INT (fd), SHUT_RDWR);
  deadline = g_get_monotonic_time () + G_TIME_SPAN_SECOND / 2;
  while (g_hash_table_size (state->active) > 0)
    if (!g_cond_wait_until (&state->idle, &state->lock, deadline))
      break;
  g_mutex_unlock (&state->lock);
}

void
po_ext_server_free (PoExtServer *server)
{
  if (server == NULL)
    return;
  po_ext_server_stop (server);
  state_unref (server->state);
  g_free (server);
}
