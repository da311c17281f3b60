/* SPDX-License-Identifier: Apache-2.0 */
/*
 * po-fleet-gen: osquery result logs of a synthetic fleet running phaseout's
 * pack (fleet/phaseout-pack.json), for `bench/fleet` (bench/README.md);
 * and `po-fleet-gen measure -- COMMAND...`, which runs a command and prints
 * its wall time, CPU time and peak RSS (wait4), so the bench needs no
 * /usr/bin/time.
 *
 *   po-fleet-gen [--hosts N] [--days N] [--seed N] [--start YYYY-MM-DD] > FILE
 *
 * What each host logs each day, as osqueryd 5 does with its default
 * --logger_event_type (one row per line) and Fleet's decorations:
 *   phaseout_status     differential: on the first day every policy's row
 *                       ("added", counter 0); then, for the three policies
 *                       that apply, "removed" and "added" rows every day
 *                       (days_remaining changes), and the findings when
 *                       they go
 *   banned_software     differential: the findings of the host ("added" on
 *                       the first day, "removed" on the day they go)
 *   phaseout_info       a daily snapshot, one row
 * About 7 rows per host and day: 10,000 hosts for 90 days are ~6.5 million
 * rows.  40 % of the hosts start with findings, each removes them on a day
 * drawn uniformly from the first 120, so the burn-down falls and the
 * projection lands after the 90 days.  Deterministic for a seed.
 */
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static guint64 rng_state;

static guint64
rng_next (void)
{
  /* xorshift64* */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * G_GUINT64_CONSTANT (2685821657736338717);
}

typedef struct {
  const char *id;
  const char *deadline;
  gint64 deadline_day;
  gboolean applies;
} Policy;

static Policy policies[] = {
  { "us-dhs-bod-17-01", "2017-12-12", 0, TRUE },
  { "lt-gov-resolution-2017", "2018-01-31", 0, TRUE },
  { "nl-kamerbrief-2018", "2018-06-30", 0, TRUE },
  { "de-bsi-warning-2022", "", 0, FALSE },
  { "us-commerce-kaspersky-2024", "2024-09-29", 0, FALSE },
  { "ua-nsdc-2017", "2017-06-01", 0, FALSE },
};

static gint64
parse_day (const char *text)
{
  int y, m, d;
  GDate *date;
  gint64 day;

  if (sscanf (text, "%d-%d-%d", &y, &m, &d) != 3 || !g_date_valid_dmy (d, m, y))
    return -1;
  date = g_date_new_dmy (d, m, y);
  day = (gint64) g_date_get_julian (date) - 719163; /* 1970-01-01 */
  g_date_free (date);
  return day;
}

static void
calendar (gint64 t, char *buf, gsize size)
{
  time_t tt = (time_t) t;
  struct tm tm;

  gmtime_r (&tt, &tm);
  strftime (buf, size, "%a %b %e %H:%M:%S %Y UTC", &tm);
}

static void
status_row (GString *out, const Policy *policy, gint64 day, int findings)
{
  const char *status;

  if (!policy->applies)
    {
      g_string_append_printf (
        out,
        "{\"policy_id\":\"%s\",\"applies\":\"0\",\"applicability\":"
        "\"other_jurisdiction\",\"status\":\"not_applicable\",\"findings\":"
        "\"0\",\"next_milestone\":\"\",\"next_milestone_date\":\"\","
        "\"deadline\":\"%s\",\"days_remaining\":\"\",\"first_detected\":\"\"}",
        policy->id, policy->deadline);
      return;
    }
  status = findings == 0 ? "compliant" : day > policy->deadline_day ? "overdue" : "action_required";
  g_string_append_printf (out,
                          "{\"policy_id\":\"%s\",\"applies\":\"1\",\"applicability\":"
                          "\"binding\",\"status\":\"%s\",\"findings\":\"%d\",\"next_milestone\":"
                          "\"discontinue-use\",\"next_milestone_date\":\"%s\",\"deadline\":\"%s\","
                          "\"days_remaining\":\"%" G_GINT64_FORMAT "\",\"first_detected\":\"%s\"}",
                          policy->id, status, findings, policy->deadline, policy->deadline,
                          policy->deadline_day - day, findings > 0 ? "1512115200" : "");
}

static void
finding_row (GString *out, const Policy *policy, int k)
{
  static const char *const products[] = { "kesl", "klnagent64", "kesl-gui" };

  g_string_append_printf (out,
                          "{\"policy_id\":\"%s\",\"applicability\":\"binding\",\"vendor\":"
                          "\"kaspersky\",\"product\":\"%s\",\"category\":\"antivirus\",\"source\":"
                          "\"deb\",\"name\":\"%s\",\"version\":\"11.1.0.3013\",\"path\":\"\","
                          "\"pid\":\"\",\"indicator\":\"linux.deb_package:%s\",\"required_action\":"
                          "\"discontinue use by %s\",\"deadline\":\"%s\",\"first_seen\":"
                          "\"1512115200\"}",
                          policy->id, products[k % 3], products[k % 3], products[k % 3],
                          policy->deadline, policy->deadline);
}

static void
line (GString *out, const char *query, const char *uuid, const char *hostname, gint64 t,
      int counter, const char *action, const GString *columns)
{
  char when[64];

  calendar (t, when, sizeof when);
  g_string_append_printf (out,
                          "{\"name\":\"pack_phaseout_%s\",\"hostIdentifier\":\"%s\","
                          "\"calendarTime\":\"%s\",\"unixTime\":%" G_GINT64_FORMAT ",\"epoch\":0,"
                          "\"counter\":%d,\"numerics\":false,\"decorations\":{\"host_uuid\":\"%s\","
                          "\"hostname\":\"%s\"},\"columns\":%s,\"action\":\"%s\"}\n",
                          query, hostname, when, t, counter, uuid, hostname, columns->str, action);
}

static int
generate (int hosts, int days, guint64 seed, const char *start)
{
  gint64 start_day = parse_day (start);
  g_autofree int *fix_day = g_new (int, hosts);
  g_autofree int *n_findings = g_new (int, hosts);
  g_autoptr (GString) out = g_string_sized_new (1 << 22);
  g_autoptr (GString) columns = g_string_new (NULL);
  g_autoptr (GString) old_columns = g_string_new (NULL);

  if (start_day < 0)
    {
      g_printerr ("po-fleet-gen: --start: YYYY-MM-DD\n");
      return 2;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (policies); i++)
    policies[i].deadline_day = *policies[i].deadline ? parse_day (policies[i].deadline)
                                                     : G_MAXINT32;
  rng_state = seed * 2 + 1;
  for (int h = 0; h < hosts; h++)
    {
      gboolean dirty = rng_next () % 100 < 40;
      n_findings[h] = dirty ? 1 + (int) (rng_next () % 3) : 0;
      fix_day[h] = dirty ? (int) (rng_next () % 120) : -1;
    }
  for (int d = 0; d < days; d++)
    for (int h = 0; h < hosts; h++)
      {
        char uuid[48], hostname[48];
        gint64 day = start_day + d;
        gint64 t = day * 86400 + 6 * 3600 + (gint64) h * 2;
        int counter = d;
        int findings = fix_day[h] >= 0 && d < fix_day[h] ? n_findings[h] : 0;
        int findings_before = fix_day[h] >= 0 && d - 1 < fix_day[h] ? n_findings[h] : 0;

        g_snprintf (uuid, sizeof uuid, "4C4C4544-%04X-%04X-8000-%012X", h >> 16, h & 0xffff, h);
        g_snprintf (hostname, sizeof hostname, "ws-%05d.agency.example", h);
        for (gsize p = 0; p < G_N_ELEMENTS (policies); p++)
          {
            const Policy *policy = &policies[p];
            int f = p == 0 ? findings : 0;
            int f_before = p == 0 ? findings_before : 0;

            if (d > 0 && !policy->applies)
              continue;
            g_string_truncate (columns, 0);
            status_row (columns, policy, day, f);
            if (d > 0)
              {
                g_string_truncate (old_columns, 0);
                status_row (old_columns, policy, day - 1, f_before);
                line (out, "phaseout_status", uuid, hostname, t, counter, "removed", old_columns);
              }
            line (out, "phaseout_status", uuid, hostname, t, counter, "added", columns);
            if (p == 0 && (d == 0 ? findings > 0 : findings != findings_before))
              for (int k = 0; k < n_findings[h]; k++)
                {
                  g_string_truncate (columns, 0);
                  finding_row (columns, policy, k);
                  line (out, "phaseout_banned_software", uuid, hostname, t, counter,
                        d == 0 ? "added" : "removed", columns);
                }
          }
        g_string_truncate (columns, 0);
        g_string_append (columns,
                         "{\"version\":\"0.1.0\",\"root\":\"/\",\"config_present\":\"1\","
                         "\"policy_dirs\":\"/etc/phaseout/policies.d\",\"state_db\":"
                         "\"/var/lib/phaseout/state.db\",\"catalogue_sha256\":"
                         "\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\","
                         "\"policy_problems\":\"0\",\"policy_problem_messages\":\"\","
                         "\"state_db_problem\":\"\"}");
        line (out, "phaseout_info", uuid, hostname, t, 0, "snapshot", columns);
        if (out->len > (1 << 22) - 8192)
          {
            if (fwrite (out->str, 1, out->len, stdout) != out->len)
              return 1;
            g_string_truncate (out, 0);
          }
      }
  return fwrite (out->str, 1, out->len, stdout) == out->len && fflush (stdout) == 0 ? 0 : 1;
}

/* runs argv; prints "wall_s cpu_s maxrss_kb status" on stderr */
static int
measure (char **argv)
{
  gint64 start = g_get_monotonic_time ();
  struct rusage usage;
  int status;
  pid_t pid = fork ();

  if (pid < 0)
    return 1;
  if (pid == 0)
    {
      execvp (argv[0], argv);
      _exit (127);
    }
  if (wait4 (pid, &status, 0, &usage) != pid)
    return 1;
  fprintf (stderr, "measure: %.3f %.3f %ld %d\n", (g_get_monotonic_time () - start) / 1e6,
           usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec
             + usage.ru_stime.tv_usec / 1e6,
           usage.ru_maxrss, WIFEXITED (status) ? WEXITSTATUS (status) : 128);
  return WIFEXITED (status) ? WEXITSTATUS (status) : 1;
}

int
main (int argc, char **argv)
{
  int hosts = 10000, days = 90;
  gint64 seed = 1;
  g_autofree gchar *start = NULL;
  const GOptionEntry entries[] = {
    { "hosts", 0, 0, G_OPTION_ARG_INT, &hosts, "Hosts (10000)", "N" },
    { "days", 0, 0, G_OPTION_ARG_INT, &days, "Days (90)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed (1)", "N" },
    { "start", 0, 0, G_OPTION_ARG_STRING, &start, "First day (2017-12-01)", "YYYY-MM-DD" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;

  if (argc > 2 && g_str_equal (argv[1], "measure") && g_str_equal (argv[2], "--"))
    return measure (argv + 3);
  context = g_option_context_new ("> FILE  |  measure -- COMMAND...");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || hosts < 1 || days < 1)
    {
      g_printerr ("po-fleet-gen: %s\n",
                  error != NULL ? error->message : "--hosts, --days: 1 or more");
      return 2;
    }
  return generate (hosts, days, (guint64) seed, start != NULL ? start : "2017-12-01");
}
