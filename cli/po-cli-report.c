/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `phaseout report`: the compliance summary of this machine, for a person
 * at a terminal.  Everything in it comes from the same tables osquery
 * queries, through the embedded engine, so the report and the fleet's view
 * never disagree:
 *
 *   - phaseout_info: what was evaluated, where, when;
 *   - phaseout_status: one line per policy (status, findings, deadline,
 *     days left), then for each policy with findings what to do and the
 *     findings themselves (banned_software);
 *   - phaseout_history: recent removals.
 *
 * Like any query of those tables, a report records what it saw in the
 * state database.
 */
#include "po-cli.h"
#include "po-compliance.h"
#include "po-table.h"

/* the tables give instants as unix seconds, as osquery does; a person
 * reads them as ISO 8601 UTC */
#define READABLE_TIME(column) "strftime('%Y-%m-%dT%H:%M:%SZ', " column ", 'unixepoch')"
/* a date, and the UTC time it passes at when that is not the end of the day
 * (a milestone with a time of day: "2024-09-29 04:00 UTC") */
#define READABLE_DATE(date, at)                                                      \
  date " || CASE WHEN " at " <> CAST(strftime('%s', " date ", '+1 day') AS INTEGER)" \
       " THEN strftime(' %H:%M UTC', " at ", 'unixepoch') ELSE '' END"

static gboolean
query (PoRuntime *runtime, const gchar *sql, PoResult **ret_result, GError **error)
{
  return po_engine_query (runtime, sql, ret_result, error);
}

static const gchar *
cell (PoResult *result, guint row, guint column)
{
  const gchar *value = g_ptr_array_index ((GPtrArray *) result->rows->pdata[row], column);
  return value != NULL ? value : "";
}

static gboolean
is_empty (const gchar *text)
{
  return text == NULL || *text == '\0';
}

/*
 * The header: what was evaluated, where, when, and what is not as
 * configured.  ret_profile_rejected: whether the organisation profile is
 * not the one configured (phaseout_info.config_problem).
 */
static gboolean
report_header (PoRuntime *runtime, GString *out, gboolean *ret_profile_rejected, GError **error)
{
  g_autoptr (PoResult) info = NULL;
  g_autoptr (PoResult) unprofiled = NULL;
  g_autofree gchar *hostname = g_strdup (g_get_host_name ());
  g_autofree gchar *clock = NULL;

  if (!query (runtime,
              "SELECT version, root, config, config_present, policy_dirs, clock, "
              "clock_injected, state_db, policy_problem_messages, state_db_problem, "
              "policy_problems, config_problem "
              "FROM phaseout_info",
              &info, error))
    return FALSE;
  g_string_append_printf (out, "phaseout %s compliance report for %s\n", cell (info, 0, 0),
                          hostname);
  clock = po_compliance_format_time (g_ascii_strtoll (cell (info, 0, 5), NULL, 10));
  g_string_append_printf (out, "  evaluated at  %s%s\n", clock,
                          g_str_equal (cell (info, 0, 6), "1") ? " (--now)" : "");
  g_string_append_printf (out, "  host root     %s\n", cell (info, 0, 1));
  g_string_append_printf (out, "  profile       %s%s\n", cell (info, 0, 2),
                          g_str_equal (cell (info, 0, 3), "1") ? "" : " (not present)");
  /* without a profile every policy applies as broadly as it can, which a
   * newcomer would otherwise read as "all these bans bind me" */
  if (!query (runtime,
              "SELECT count(*) FROM phaseout_policies"
              " WHERE reason LIKE 'no organisation profile configured%'",
              &unprofiled, error))
    return FALSE;
  if (!g_str_equal (cell (unprofiled, 0, 0), "0"))
    g_string_append (out, "                (no organisation profile: each policy is evaluated as "
                          "broadly as its scope allows;\n"
                          "                 set jurisdiction and organisation type as in "
                          "docs/deployment.md)\n");
  g_string_append_printf (out, "  policy dirs   %s\n", cell (info, 0, 4));
  g_string_append_printf (out, "  state db      %s\n",
                          is_empty (cell (info, 0, 7)) ? "(none: history is off)"
                                                       : cell (info, 0, 7));
  /* a verdict over a partial catalogue or without history must say so:
   * the same text the log has, where the reader of the report looks */
  if (!is_empty (cell (info, 0, 8)))
    {
      g_auto (GStrv) lines = g_strsplit (cell (info, 0, 8), "\n", -1);
      gboolean one = g_str_equal (cell (info, 0, 10), "1");
      g_string_append_printf (out,
                              "\n  WARNING: %s policy %s not in force as written (left "
                              "out, or the last good version kept):\n",
                              cell (info, 0, 10), one ? "file is" : "files are");
      for (guint i = 0; lines[i] != NULL; i++)
        g_string_append_printf (out, "    %s\n", lines[i]);
    }
  if (!is_empty (cell (info, 0, 9)))
    g_string_append_printf (out,
                            "\n  WARNING: %s; first-detected dates and removals are not "
                            "shown\n",
                            cell (info, 0, 9));
  /* the applicability below rests on the profile: one that was not read
   * must not pass for "no profile configured" */
  if (!is_empty (cell (info, 0, 11)))
    {
      g_auto (GStrv) lines = g_strsplit (cell (info, 0, 11), "\n", -1);
      g_string_append (out, "\n  WARNING: the organisation profile in force is not the one "
                            "configured; applicability below may be wrong:\n");
      for (guint i = 0; lines[i] != NULL; i++)
        g_string_append_printf (out, "    %s\n", lines[i]);
    }
  *ret_profile_rejected = !is_empty (cell (info, 0, 11));
  return TRUE;
}

/* columns of the status query below */
enum {
  S_ID,
  S_TITLE,
  S_APPLICABILITY,
  S_REASON,
  S_FINDINGS,
  S_STATUS,
  S_NEXT,
  S_NEXT_DATE,
  S_DEADLINE,
  S_DEADLINE_SOURCE,
  S_DAYS,
  S_FIRST,
  S_ACTION
};

static const gchar status_sql[] =
  "SELECT policy_id, title, applicability, reason, findings, status, "
  "next_milestone, " READABLE_DATE ("next_milestone_date", "next_milestone_at") ", " READABLE_DATE (
    "deadline",
    "deadline_at") ", deadline_source, days_remaining, " READABLE_TIME ("first_detected") ", action"
                                                                                          " FROM "
                                                                                          "phaseout"
                                                                                          "_status"
                                                                                          " ORDER "
                                                                                          "BY CASE "
                                                                                          "status "
                                                                                          "WHEN "
                                                                                          "'overdue"
                                                                                          "' THEN "
                                                                                          "0 WHEN "
                                                                                          "'action_"
                                                                                          "required"
                                                                                          "' THEN 1"
                                                                                          " WHEN "
                                                                                          "'advisor"
                                                                                          "y' THEN "
                                                                                          "2 WHEN "
                                                                                          "'complia"
                                                                                          "nt' "
                                                                                          "THEN 3 "
                                                                                          "ELSE 4 "
                                                                                          "END, "
                                                                                          "policy_"
                                                                                          "id";

/* the statuses `--fail-on-findings` fails on: a binding policy with
 * findings, before or after its deadline (advisory never fails) */
static gboolean
status_requires_action (const gchar *status)
{
  return g_str_equal (status, "action_required") || g_str_equal (status, "overdue");
}

static gboolean
any_requires_action (PoResult *status)
{
  for (guint r = 0; r < status->rows->len; r++)
    if (status_requires_action (cell (status, r, S_STATUS)))
      return TRUE;
  return FALSE;
}

static void
report_summary (PoResult *status, GString *out)
{
  guint counts[5] = { 0 };
  static const gchar *const names[] = { "overdue", "action_required", "advisory", "compliant",
                                        "not_applicable" };

  for (guint r = 0; r < status->rows->len; r++)
    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      if (g_str_equal (cell (status, r, S_STATUS), names[i]))
        counts[i]++;

  g_string_append (out, "\nVerdict: ");
  if (counts[0] + counts[1] > 0)
    g_string_append_printf (out, "ACTION REQUIRED: %u %s to act on%s\n", counts[0] + counts[1],
                            counts[0] + counts[1] == 1 ? "policy" : "policies",
                            counts[0] > 0 ? " (overdue)" : "");
  else if (counts[2] > 0)
    g_string_append (out, "compliant with every binding policy; advice applies\n");
  else if (counts[3] > 0)
    g_string_append (out, "compliant with every applicable policy\n");
  else
    g_string_append (out, "no policy applies to this endpoint's organisation\n");
  g_string_append_printf (out,
                          "  %u overdue, %u action required, %u advisory, %u compliant, "
                          "%u not applicable\n",
                          counts[0], counts[1], counts[2], counts[3], counts[4]);
}

static void
report_policy_table (PoResult *status, GString *out)
{
  g_string_append_printf (out, "\n  %-22s %-16s %8s  %-26s %9s\n", "POLICY", "STATUS", "FINDINGS",
                          "DEADLINE", "DAYS LEFT");
  for (guint r = 0; r < status->rows->len; r++)
    {
      const gchar *deadline = cell (status, r, S_DEADLINE);
      g_autofree gchar *deadline_text = is_empty (deadline) ? g_strdup ("-")
                                        : g_str_equal (cell (status, r, S_DEADLINE_SOURCE),
                                                       "grace_period")
                                          ? g_strdup_printf ("%s (grace)", deadline)
                                          : g_strdup (deadline);
      /* days left only mean something where there is something to remove:
       * a compliant host is not "3,000 days late" for a 2017 deadline */
      const gchar *status_text = cell (status, r, S_STATUS);
      gboolean nothing_to_do = g_str_equal (status_text, "compliant")
                               || g_str_equal (status_text, "not_applicable");
      g_string_append_printf (out, "  %-22s %-16s %8s  %-26s %9s\n", cell (status, r, S_ID),
                              status_text, cell (status, r, S_FINDINGS), deadline_text,
                              nothing_to_do || is_empty (cell (status, r, S_DAYS))
                                ? "-"
                                : cell (status, r, S_DAYS));
    }
}

/* a string as an SQL literal (policy ids come from files administrators write) */
static gchar *
sql_quote (const gchar *text)
{
  GString *literal = g_string_new ("'");

  for (const gchar *p = text; *p != '\0'; p++)
    {
      if (*p == '\'')
        g_string_append_c (literal, '\'');
      g_string_append_c (literal, *p);
    }
  g_string_append_c (literal, '\'');
  return g_string_free (literal, FALSE);
}

/* columns of the findings query */
enum { F_SOURCE, F_NAME, F_VERSION, F_PATH, F_PID, F_PRODUCT, F_FIRST_SEEN, F_CONFIDENCE };

/*
 * Each policy with findings: what to do, and the findings.  Policies that
 * cover the same vendor often find the same things; a list already printed
 * is referred to rather than repeated.
 */
static gboolean
report_findings (PoRuntime *runtime, PoResult *status, GString *out, GError **error)
{
  g_autoptr (GHashTable) printed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint r = 0; r < status->rows->len; r++)
    {
      const gchar *policy = cell (status, r, S_ID);
      g_autofree gchar *quoted = NULL;
      g_autofree gchar *sql = NULL;
      g_autoptr (PoResult) findings = NULL;

      if (g_str_equal (cell (status, r, S_FINDINGS), "0"))
        continue;
      g_string_append_printf (out, "\n%s (%s): %s\n", policy, cell (status, r, S_STATUS),
                              cell (status, r, S_TITLE));
      g_string_append_printf (out, "  what to do      %s\n", cell (status, r, S_ACTION));
      if (!is_empty (cell (status, r, S_NEXT)))
        g_string_append_printf (out, "  next milestone  %s %s\n", cell (status, r, S_NEXT),
                                cell (status, r, S_NEXT_DATE));
      if (!is_empty (cell (status, r, S_FIRST)))
        g_string_append_printf (out, "  first detected  %s\n", cell (status, r, S_FIRST));

      quoted = sql_quote (policy);
      sql = g_strdup_printf ("SELECT source, name, version, path, pid,"
                             " coalesce(product_name, vendor_name || ' (vendor-wide)'), %s,"
                             " confidence FROM banned_software WHERE policy_id = %s"
                             " ORDER BY source, name, pid",
                             READABLE_TIME ("first_seen"), quoted);
      if (!query (runtime, sql, &findings, error))
        return FALSE;
      {
        g_autoptr (GString) list = g_string_new (NULL);
        const gchar *same_as;
        for (guint f = 0; f < findings->rows->len; f++)
          {
            g_string_append_printf (list, "    %-13s %s", cell (findings, f, F_SOURCE),
                                    cell (findings, f, F_NAME));
            if (!is_empty (cell (findings, f, F_VERSION)))
              g_string_append_printf (list, " %s", cell (findings, f, F_VERSION));
            if (!is_empty (cell (findings, f, F_PID)))
              g_string_append_printf (list, " (pid %s, %s)", cell (findings, f, F_PID),
                                      cell (findings, f, F_PATH));
            else if (!is_empty (cell (findings, f, F_PATH))
                     && !g_str_equal (cell (findings, f, F_PATH), cell (findings, f, F_NAME)))
              g_string_append_printf (list, " (%s)", cell (findings, f, F_PATH));
            g_string_append_printf (list, ": %s", cell (findings, f, F_PRODUCT));
            /* one source: listed, but it does not count until someone confirms it */
            if (g_strcmp0 (cell (findings, f, F_CONFIDENCE), "weak") == 0)
              g_string_append (list, " (unconfirmed: weak indicator)");
            if (!is_empty (cell (findings, f, F_FIRST_SEEN)))
              g_string_append_printf (list, ", since %s", cell (findings, f, F_FIRST_SEEN));
            g_string_append_c (list, '\n');
          }
        same_as = g_hash_table_lookup (printed, list->str);
        if (same_as != NULL)
          g_string_append_printf (out, "  findings        the same as %s\n", same_as);
        else
          {
            g_string_append_printf (out, "  findings\n%s", list->str);
            g_hash_table_insert (printed, g_strdup (list->str), g_strdup (policy));
          }
      }
    }
  return TRUE;
}

static void
report_not_applicable (PoResult *status, GString *out)
{
  gboolean any = FALSE;

  for (guint r = 0; r < status->rows->len; r++)
    {
      if (!g_str_equal (cell (status, r, S_STATUS), "not_applicable"))
        continue;
      if (!any)
        g_string_append (out, "\nNot applicable here\n");
      any = TRUE;
      g_string_append_printf (out, "  %-22s %s: %s\n", cell (status, r, S_ID),
                              cell (status, r, S_APPLICABILITY), cell (status, r, S_REASON));
    }
}

static gboolean
report_removals (PoRuntime *runtime, GString *out, GError **error)
{
  g_autoptr (PoResult) removals = NULL;

  if (!query (runtime,
              "SELECT policy_id, finding, " READABLE_TIME (
                "removed_at") " FROM phaseout_history"
                              " WHERE removed_at IS NOT NULL ORDER BY removed_at DESC, policy_id,"
                              " finding LIMIT 20",
              &removals, error))
    return FALSE;
  if (removals->rows->len == 0)
    return TRUE;
  g_string_append (out, "\nRecently removed\n");
  for (guint r = 0; r < removals->rows->len; r++)
    g_string_append_printf (out, "  %s  %-22s %s\n", cell (removals, r, 2), cell (removals, r, 0),
                            cell (removals, r, 1));
  return TRUE;
}

gboolean
po_cli_report (PoRuntime *runtime, GString *out, gboolean *ret_action_required,
               gboolean *ret_profile_rejected, GError **error)
{
  g_autoptr (PoResult) status = NULL;
  gboolean profile_rejected = FALSE;

  if (!report_header (runtime, out, &profile_rejected, error))
    return FALSE;
  if (!query (runtime, status_sql, &status, error))
    return FALSE;
  report_summary (status, out);
  report_policy_table (status, out);
  if (!report_findings (runtime, status, out, error))
    return FALSE;
  report_not_applicable (status, out);
  if (!report_removals (runtime, out, error))
    return FALSE;
  if (ret_action_required != NULL)
    *ret_action_required = any_requires_action (status);
  if (ret_profile_rejected != NULL)
    *ret_profile_rejected = profile_rejected;
  return TRUE;
}
