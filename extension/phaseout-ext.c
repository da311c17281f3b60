/* SPDX-License-Identifier: Apache-2.0 */
/*
 * phaseout.ext: the osquery extension process.
 *
 * Lifecycle (the checklist of docs/dev/osquery-extension-protocol.md, §10):
 *   1. parse osqueryd's argv; ignore SIGPIPE; block the signals we wait for
 *      so that no worker thread is ever interrupted by them;
 *   2. wait up to --timeout for the manager socket to answer a ping;
 *   3. read custom_phaseout_* options from osqueryd's configuration;
 *   4. listen on a staging path, registerExtension with every table's
 *      column rows (a refusal is logged and ends the process; osqueryd's
 *      watcher starts it again), then rename the socket to
 *      <socket>.<uuid>: served as soon as the uuid is known, a worker
 *      per connection;
 *   5. every --interval, ask extensions() whether our uuid is still known
 *      (a restarted osqueryd forgets it); exit when it is not, when the
 *      call fails or when the manager socket is gone;
 *   6. on SIGTERM, SIGINT or a shutdown() call: stop serving, remove the
 *      socket, deregister, exit 0, all within about a second.
 * The process never forks: osqueryd's watchdog judges the pid it started.
 */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "po-ext-flags.h"
#include "po-ext-handler.h"
#include "po-ext-manager.h"
#include "po-ext-server.h"
#include "po-log.h"
#include "po-runtime.h"

#define EXTENSION_NAME "phaseout"
/* one call to the manager; osqueryd answers in milliseconds */
#define MANAGER_CALL_TIMEOUT_MS 5000
/* deregistering at exit must not hold up a stop */
#define DEREGISTER_TIMEOUT_MS 500
/* a ping while waiting for the manager at start */
#define STARTUP_PING_TIMEOUT_MS 1000

/* shutdown() from osqueryd arrives on a worker thread: turn it into the
 * same signal the main thread already waits for */
static void
request_shutdown (gpointer user_data)
{
  kill (getpid (), SIGUSR1);
}

static sigset_t
waited_signals (void)
{
  sigset_t set;

  sigemptyset (&set);
  sigaddset (&set, SIGTERM);
  sigaddset (&set, SIGINT);
  sigaddset (&set, SIGHUP);
  sigaddset (&set, SIGUSR1);
  return set;
}

/* waits up to timeout_ms for one of the signals; 0 when none came */
static int
wait_for_signal (const sigset_t *set, guint timeout_ms)
{
  struct timespec timeout = { .tv_sec = timeout_ms / 1000,
                              .tv_nsec = (long) (timeout_ms % 1000) * 1000000L };
  int signal_number;

  do
    signal_number = sigtimedwait (set, NULL, &timeout);
  while (signal_number < 0 && errno == EINTR);
  return signal_number > 0 ? signal_number : 0;
}

static gboolean
wait_for_manager (const PoExtFlags *flags, const sigset_t *signals, int *ret_signal, GError **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) flags->timeout_s * G_TIME_SPAN_SECOND;

  *ret_signal = 0;
  for (;;)
    {
      g_autoptr (GError) ping_error = NULL;

      if (po_ext_manager_ping (flags->socket, STARTUP_PING_TIMEOUT_MS, &ping_error))
        return TRUE;
      if (g_get_monotonic_time () >= deadline)
        {
          g_set_error (error, ping_error->domain, ping_error->code,
                       "osquery's extension manager at %s did not answer within %u s: %s",
                       flags->socket, flags->timeout_s, ping_error->message);
          return FALSE;
        }
      /* osquery polls every 20 ms too */
      *ret_signal = wait_for_signal (signals, 20);
      if (*ret_signal != 0)
        return FALSE;
    }
}

/* every --interval: TRUE while osqueryd still has us registered */
static gboolean
manager_still_knows_us (const PoExtFlags *flags, gint64 uuid)
{
  g_autoptr (GError) error = NULL;
  gboolean registered = FALSE;
  struct stat st;

  if (stat (flags->socket, &st) < 0)
    {
      g_message ("osquery's socket %s is gone; exiting", flags->socket);
      return FALSE;
    }
  if (!po_ext_manager_is_registered (flags->socket, MANAGER_CALL_TIMEOUT_MS, uuid, &registered,
                                     &error))
    {
      g_message ("cannot reach osquery at %s (%s); exiting", flags->socket, error->message);
      return FALSE;
    }
  if (!registered)
    g_message ("osquery no longer lists extension uuid %" G_GINT64_FORMAT "; exiting", uuid);
  return registered;
}

int
main (int argc, char **argv)
{
  g_autoptr (PoExtFlags) flags = po_ext_flags_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) registry = NULL;
  g_autoptr (GHashTable) options = NULL;
  g_autoptr (PoRuntime) runtime = NULL;
  g_autoptr (PoExtHandler) handler = NULL;
  g_autoptr (PoExtServer) server = NULL;
  g_autofree gchar *staging_path = NULL;
  g_autofree gchar *server_path = NULL;
  sigset_t signals = waited_signals ();
  guint interval_ms;
  gint64 uuid = 0;
  int signal_number = 0;
  int status = 0;

  /*
   * Memory stays flat over months of scheduled queries only with these.
   * Every call is served on its own thread, and glibc gives threads arenas
   * of their own (up to eight per CPU) that keep what they freed; it also
   * raises its mmap threshold to the largest block freed (a 4 MB dpkg
   * status file), after which such blocks live in the heap and stay
   * resident.  bench/run measured 40 MB after 1,000 mixed queries on a host
   * with 5,000 packages; with one arena and fixed thresholds, 14 MB, flat.
   * Calls rarely overlap (osqueryd runs a query at a time), so one arena
   * costs nothing measurable.
   */
  mallopt (M_ARENA_MAX, 1);
  mallopt (M_MMAP_THRESHOLD, 256 * 1024);
  mallopt (M_TRIM_THRESHOLD, 1024 * 1024);

  /* a peer hanging up before our reply must cost an error, not the process */
  signal (SIGPIPE, SIG_IGN);

  /* log lines name phaseout.ext, and --verbose lines go to stderr, never stdout */
  po_log_init ("phaseout.ext");

  /* a malformed flag is a usage error (2), as for the phaseout command */
  if (!po_ext_flags_parse (flags, argc, argv, &error))
    {
      g_printerr ("phaseout.ext: %s\n\n%s", error->message, po_ext_flags_usage ());
      return 2;
    }
  if (flags->help)
    {
      fputs (po_ext_flags_usage (), stdout);
      return 0;
    }
  if (flags->version)
    {
      printf ("phaseout.ext %s\n", PHASEOUT_VERSION);
      return 0;
    }
  if (flags->verbose)
    g_log_set_debug_enabled (TRUE);
  for (guint i = 0; i < flags->ignored->len; i++)
    g_warning ("ignoring unknown argument %s", (const gchar *) flags->ignored->pdata[i]);

  /* <socket>.<uuid> with a uuid of up to 5 digits must fit sun_path */
  if (strlen (flags->socket) + 7 > sizeof ((struct sockaddr_un *) NULL)->sun_path)
    {
      g_printerr ("phaseout.ext: socket path %s is too long for a UNIX socket\n", flags->socket);
      return 1;
    }

  /* blocked before any thread exists, so every thread inherits the mask
   * and only sigtimedwait() in this thread ever sees these signals */
  pthread_sigmask (SIG_BLOCK, &signals, NULL);

  if (!wait_for_manager (flags, &signals, &signal_number, &error))
    {
      if (signal_number != 0)
        return 0;
      g_printerr ("phaseout.ext: %s\n", error->message);
      return 1;
    }

  /* osquery's options first: they complete the settings the tables use */
  if (po_ext_manager_get_options (flags->socket, MANAGER_CALL_TIMEOUT_MS, &options, &error))
    po_ext_options_apply_settings (flags->settings, options);
  else
    {
      g_warning ("cannot read osquery's options: %s", error->message);
      g_clear_error (&error);
    }
  runtime = po_runtime_new (flags->settings, &error);
  if (runtime == NULL)
    {
      g_printerr ("phaseout.ext: %s\n", error->message);
      return 1;
    }
  po_ext_options_apply_profile (runtime, flags->settings->options);
  handler = po_ext_handler_new (runtime, request_shutdown, NULL);

  /* listening before registering, then publishing under the uuid's name,
   * shrinks the time osqueryd knows us but cannot reach us to the transit
   * of its reply (po-ext-server.h) */
  staging_path = g_strdup_printf ("%s.s%04x", flags->socket, g_random_int_range (0, 0x10000));
  server = po_ext_server_new (staging_path, OSQUERY_EXTENSION_HANDLER (handler), &error);
  if (server == NULL)
    {
      g_printerr ("phaseout.ext: %s\n", error->message);
      return 1;
    }

  registry = po_ext_handler_build_registry ();
  if (!po_ext_manager_register (flags->socket, MANAGER_CALL_TIMEOUT_MS, EXTENSION_NAME,
                                PHASEOUT_VERSION, registry, &uuid, &error))
    {
      g_printerr ("phaseout.ext: cannot register with osquery at %s: %s\n", flags->socket,
                  error->message);
      return 1;
    }
  po_ext_handler_set_uuid (handler, uuid);
  server_path = g_strdup_printf ("%s.%" G_GINT64_FORMAT, flags->socket, uuid);
  if (!po_ext_server_publish (server, server_path, &error))
    {
      g_printerr ("phaseout.ext: %s\n", error->message);
      po_ext_manager_deregister (flags->socket, DEREGISTER_TIMEOUT_MS, uuid, NULL);
      return 1;
    }
  g_debug ("registered as extension uuid %" G_GINT64_FORMAT "; serving %u tables on %s", uuid,
           g_hash_table_size (g_hash_table_lookup (registry, "table")), server_path);

  /* the C++ SDK's watcher: interval in seconds, at least 200 ms */
  interval_ms = MAX (flags->interval_s * 1000, 200);
  for (;;)
    {
      signal_number = wait_for_signal (&signals, interval_ms);
      if (signal_number == SIGHUP)
        continue;
      if (signal_number != 0)
        {
          g_debug ("%s: stopping",
                   signal_number == SIGUSR1 ? "shutdown requested" : g_strsignal (signal_number));
          break;
        }
      /* between queries, give back what the heap holds free (a few hundred
       * kB of fragments after a burst of queries; a tenth of a millisecond
       * each --interval) so the resident size is the live data, flat */
      malloc_trim (0);
      if (!manager_still_knows_us (flags, uuid))
        {
          status = 1;
          break;
        }
    }

  po_ext_server_stop (server);
  if (status == 0
      && !po_ext_manager_deregister (flags->socket, DEREGISTER_TIMEOUT_MS, uuid, &error))
    g_debug ("deregistering: %s", error->message);
  return status;
}
