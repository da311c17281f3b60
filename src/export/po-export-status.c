/* SPDX-License-Identifier: Apache-2.0 */
/*
 * phaseout_status and banned_software compiled to plain osquery SQL, so an
 * osqueryd without the extension (Windows, macOS, a Linux host without
 * phaseout.ext) answers with the extension's columns (docs/export.md, "One
 * phaseout_status from every platform").
 *
 * What is known when the SQL is written goes in as data: the policies, their
 * applicability for the profile (po_policy_evaluate(), the very text of the
 * extension's reasons), their milestones with each step's words
 * (po_compliance_milestone_action()), the indicators of the findings.  What
 * depends on the day is computed when the query runs, from osquery's time
 * table, by the rules of src/compliance/po-compliance-status.c:
 *
 *   - not_issued before the issue date (a whole UTC day: from its 00:00 UTC);
 *   - the next milestone is the first whose passed_at is still ahead, or
 *     the last; a plain date passes at the next day's 00:00 UTC, a
 *     milestone with a time at that instant;
 *   - days to a plain date: its UTC day number minus today's; to a timed
 *     milestone: whole days of the difference, -1 from the instant on
 *     (days_until());
 *   - status and the action line as po_policy_result_compute() makes them.
 *
 * There is no history: first_detected, first_seen and last_seen are NULL, and
 * a policy whose only deadline would be the organisation's grace period
 * (counted from first detection) has none, as in the extension without a
 * state database.
 *
 * The SQL is one WITH query; its CTEs are named po_* so that none hides an
 * osquery table the findings read.
 */
#include <string.h>

#include "po-compliance.h"
#include "po-export-private.h"

const gchar *
po_export_table_to_string (PoExportTable table)
{
  switch (table)
    {
    case PO_EXPORT_TABLE_STATUS:
      return "phaseout_status";
    case PO_EXPORT_TABLE_BANNED_SOFTWARE:
      return "banned_software";
    default:
      return NULL;
    }
}

gboolean
po_export_table_parse (const gchar *text, PoExportTable *ret_table)
{
  for (guint t = 0; t < PO_EXPORT_TABLE_N; t++)
    if (g_strcmp0 (text, po_export_table_to_string ((PoExportTable) t)) == 0)
      {
        *ret_table = (PoExportTable) t;
        return TRUE;
      }
  return FALSE;
}

/* ---- what is known at export time ----------------------------------------- */

static gchar *
literal_or_null (const gchar *text)
{
  return text != NULL ? po_export_sql_literal (text) : g_strdup ("NULL");
}

/* the instant a policy is in force from (its issue date, 00:00 UTC), or NULL */
static GDateTime *
issued_instant (PoPolicy *policy)
{
  g_autofree gchar *text = g_strdup_printf ("%sT00:00:00Z", po_policy_get_issued (policy));

  return g_date_time_new_from_iso8601 (text, NULL);
}

/*
 * One po_policy row: applicability and reason for the profile once the
 * policy is issued, and, where the issue date can still decide (not when
 * the profile switches the policy off, is of another jurisdiction or the
 * policy covers other devices: those come first), the issue instant and
 * the not_issued reason.
 */
static void
append_policy_row (GString *out, PoPolicy *policy, PoProfile *profile)
{
  g_autoptr (GDateTime) issued = issued_instant (policy);
  g_autoptr (GDateTime) evaluated = issued != NULL ? g_date_time_ref (issued)
                                                   : g_date_time_new_now_utc ();
  PoApplicability applicability;
  g_autofree gchar *reason = NULL;
  g_autofree gchar *early_reason = NULL;
  g_autofree gchar *issued_at = g_strdup ("NULL");
  g_autofree gchar *id = po_export_sql_literal (po_policy_get_id (policy));
  g_autofree gchar *title = po_export_sql_literal (po_policy_get_title (policy));
  g_autofree gchar *urls = po_policy_get_source_urls (policy);
  g_autofree gchar *urls_sql = po_export_sql_literal (urls);
  g_autofree gchar *reason_sql = NULL;
  g_autofree gchar *early_sql = NULL;
  g_autofree gchar *no_deadline = NULL;
  g_autofree gchar *no_deadline_sql = NULL;
  gint grace = profile != NULL ? po_profile_get_grace_period_days (profile) : -1;

  po_policy_evaluate (policy, profile, evaluated, &applicability, &reason);
  if (issued != NULL)
    {
      g_autoptr (GDateTime) before = g_date_time_add_seconds (issued, -1);
      PoApplicability early;

      /* a verdict that holds at any time (switched off, another jurisdiction
       * or class of device) comes before the issue date, which then decides
       * nothing */
      po_policy_evaluate (policy, profile, before, &early, &early_reason);
      if (early == PO_APPLICABILITY_NOT_ISSUED)
        {
          g_free (issued_at);
          issued_at = g_strdup_printf ("%" G_GINT64_FORMAT, g_date_time_to_unix (issued));
        }
      else
        g_clear_pointer (&early_reason, g_free);
    }
  /* without milestones only the grace period could set a deadline, and
   * that needs the detection date: the extension's words without history */
  if (grace >= 0)
    no_deadline = g_strdup_printf ("remove the products within the organisation's grace "
                                   "period of %d days from first detection (the policy sets "
                                   "no deadline)",
                                   grace);
  else
    no_deadline = g_strdup ("phase the products out (the policy sets no deadline)");

  reason_sql = literal_or_null (reason);
  early_sql = literal_or_null (early_reason);
  no_deadline_sql = po_export_sql_literal (no_deadline);
  g_string_append_printf (out, "%s    (%s, %s, %d, %s, %d, '%s', %s, %s, %s, %s)",
                          out->len > 0 ? ",\n" : "", id, title,
                          po_policy_get_binding (policy) ? 1 : 0, issued_at,
                          po_applicability_applies (applicability) ? 1 : 0,
                          po_applicability_to_string (applicability), reason_sql, early_sql,
                          urls_sql, no_deadline_sql);
}

/* the po_milestone rows of a policy, in date order */
static void
append_milestone_rows (GString *out, PoPolicy *policy)
{
  guint n_milestones = 0;
  const PoMilestone *milestones = po_policy_get_milestones (policy, &n_milestones);
  g_autofree gchar *id = po_export_sql_literal (po_policy_get_id (policy));

  for (guint i = 0; i < n_milestones; i++)
    {
      g_autofree gchar *kind = po_export_sql_literal (milestones[i].kind);
      g_autofree gchar *day = po_export_sql_literal (milestones[i].day);
      g_autofree gchar *action = po_compliance_milestone_action (&milestones[i]);
      g_autofree gchar *action_sql = po_export_sql_literal (action);

      g_string_append_printf (out, "%s    (%s, %u, %s, %s, %" G_GINT64_FORMAT ", %d, %s)",
                              out->len > 0 ? ",\n" : "", id, i, kind, day, milestones[i].passed_at,
                              milestones[i].time != NULL ? 1 : 0, action_sql);
    }
}

/* the po_arm rows of a detailed query: who each arm speaks for */
static void
append_arm_rows (GString *out, PoExportQuery *query)
{
  const gchar *platform = po_export_platform_get_catalogue_name (
    po_export_query_get_platform (query));
  guint n_arms = 0;
  const PoExportArm *arms = po_export_query_get_arms (query, &n_arms);
  g_autofree gchar *id = po_export_sql_literal (
    po_policy_get_id (po_export_query_get_policy (query)));

  for (guint i = 0; i < n_arms; i++)
    {
      const PoExportArm *arm = &arms[i];
      g_autofree gchar *vendor = po_export_sql_literal (po_vendor_get_id (arm->vendor));
      g_autofree gchar *vendor_name = po_export_sql_literal (po_vendor_get_name (arm->vendor));
      g_autofree gchar *product = literal_or_null (
        arm->product != NULL ? po_product_get_id (arm->product) : NULL);
      g_autofree gchar *product_name = literal_or_null (
        arm->product != NULL ? po_product_get_name (arm->product) : NULL);
      g_autofree gchar *category = literal_or_null (
        arm->product != NULL ? po_product_get_category (arm->product) : NULL);
      g_autofree gchar *indicator = g_strdup_printf ("%s:%s",
                                                     po_indicator_kind_to_string (
                                                       po_indicator_get_kind (arm->indicator)),
                                                     po_indicator_get_pattern (arm->indicator));
      g_autofree gchar *indicator_sql = po_export_sql_literal (indicator);
      g_autofree gchar *confidence = literal_or_null (po_indicator_get_confidence (arm->indicator));
      /* the extension gives the product's Linux text, else the vendor's; the
       * SQL gives those of the platform it runs on */
      g_autofree gchar *remediation = literal_or_null (
        po_remediation_for (arm->vendor, arm->product, platform));

      g_string_append_printf (out, "%s    (%s, %u, %s, %s, %s, %s, %s, %s, %s, %s)",
                              out->len > 0 ? ",\n" : "", id, i, vendor, vendor_name, product,
                              product_name, category, indicator_sql, confidence, remediation);
    }
}

static gchar *
indent (const gchar *text, const gchar *prefix)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr (GString) out = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    g_string_append_printf (out, "%s%s%s", i > 0 ? "\n" : "", lines[i][0] != '\0' ? prefix : "",
                            lines[i]);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* ---- the query ----------------------------------------------------------------- */

/* whole days from the query's time (s.t) to milestone m: days_until() */
#define DAYS_UNTIL(m)                                                                  \
  "CASE WHEN " m ".timed = 1 THEN\n"                                                   \
  "        CASE WHEN " m ".passed_at - s.t > 0 THEN (" m ".passed_at - s.t) / 86400\n" \
  "             ELSE -((s.t - " m ".passed_at) / 86400) - 1 END\n"                     \
  "      ELSE (" m ".passed_at / 86400 - 1) - s.t / 86400 END"

/* "N days left" for an SQL integer d */
#define DAYS_LEFT(d) "(" d ") || ' day' || CASE WHEN (" d ") = 1 THEN '' ELSE 's' END || ' left'"

/* the CTEs every form shares, after the data: the state of each policy at
 * the query's time, its next and last milestones, its findings and status */
static const gchar judged_sql[] =
  "po_state AS (\n"
  "  SELECT p.*, n.t AS t,\n"
  "    CASE WHEN p.issued_at IS NOT NULL AND n.t < p.issued_at THEN 1 ELSE 0 END AS early,\n"
  "    coalesce((SELECT min(m.position) FROM po_milestone AS m\n"
  "              WHERE m.policy_id = p.policy_id AND n.t < m.passed_at),\n"
  "             (SELECT max(m.position) FROM po_milestone AS m\n"
  "              WHERE m.policy_id = p.policy_id)) AS next_position,\n"
  "    (SELECT max(m.position) FROM po_milestone AS m\n"
  "     WHERE m.policy_id = p.policy_id) AS last_position\n"
  "  FROM po_policy AS p, po_now AS n\n"
  "),\n"
  "po_due AS (\n"
  "  SELECT s.policy_id AS policy_id, s.title AS title, s.binding AS binding, s.t AS t,\n"
  "    CASE WHEN s.early = 1 THEN 0 ELSE s.applies END AS applies,\n"
  "    CASE WHEN s.early = 1 THEN 'not_issued' ELSE s.applicability END AS applicability,\n"
  "    CASE WHEN s.early = 1 THEN s.early_reason ELSE s.reason END AS reason,\n"
  "    s.source AS source, s.no_deadline_action AS no_deadline_action,\n"
  "    s.next_position AS next_position, s.last_position AS last_position,\n"
  "    x.kind AS next_milestone, x.day AS next_milestone_date,\n"
  "    x.passed_at AS next_milestone_at, x.action AS next_action,\n"
  "    " DAYS_UNTIL (
    "x") " AS next_days,\n"
         "    l.day AS deadline, l.passed_at AS deadline_at,\n"
         "    CASE WHEN l.policy_id IS NULL THEN NULL ELSE 'policy' END AS deadline_source,\n"
         "    " DAYS_UNTIL (
           "l") " AS days_remaining,\n"
                "    l.action AS last_action\n"
                "  FROM po_state AS s\n"
                "  LEFT JOIN po_milestone AS x ON x.policy_id = s.policy_id AND x.position = "
                "s.next_position\n"
                "  LEFT JOIN po_milestone AS l ON l.policy_id = s.policy_id AND l.position = "
                "s.last_position\n"
                "),\n"
                /* counted once, in an aggregate the outer query joins: SQLite does not
   * copy an aggregate subquery into each place its result is used */
                "po_count AS (\n"
                "  SELECT f.policy_id AS policy_id, count(*) AS n,\n"
                "    sum(CASE WHEN a.confidence = 'weak' THEN 1 ELSE 0 END) AS weak\n"
                "  FROM po_finding AS f JOIN po_arm AS a ON a.policy_id = f.policy_id AND a.arm = "
                "f.arm\n"
                "  GROUP BY f.policy_id\n"
                "),\n"
                /* a finding of a weak indicator (one source) is listed and counted, but
   * only confirmed ones make a status (po_policy_result_compute()) */
                "po_counted AS (\n"
                "  SELECT d.*,\n"
                "    CASE WHEN d.applies = 1 THEN coalesce(k.n, 0) ELSE 0 END AS findings,\n"
                "    CASE WHEN d.applies = 1 THEN coalesce(k.weak, 0) ELSE 0 END AS unconfirmed\n"
                "  FROM po_due AS d LEFT JOIN po_count AS k ON k.policy_id = d.policy_id\n"
                "),\n"
                "po_judged AS (\n"
                "  SELECT c.*,\n"
                "    CASE WHEN c.applies = 0 THEN 'not_applicable'\n"
                "         WHEN c.findings - c.unconfirmed = 0 THEN 'compliant'\n"
                "         WHEN c.applicability = 'advisory' THEN 'advisory'\n"
                "         WHEN c.days_remaining < 0 THEN 'overdue'\n"
                "         ELSE 'action_required' END AS status,\n"
                "    CASE WHEN c.applies = 0 THEN NULL\n"
                "         WHEN c.applicability = 'advisory'\n"
                "           THEN 'advised, not binding: ' || coalesce(c.next_action, 'replace the "
                "products')\n"
                "         WHEN c.next_action IS NOT NULL THEN c.next_action\n"
                "         ELSE c.no_deadline_action END AS required_action,\n"
                "    (c.findings - c.unconfirmed)\n"
                "      || CASE WHEN c.findings - c.unconfirmed = 1 THEN ' finding' ELSE ' "
                "findings' END\n"
                "      AS findings_words\n"
                "  FROM po_counted AS c\n"
                ")\n";

/* phaseout_status's columns, in the table's order, then engine */
static const gchar status_select[] =
  "SELECT j.policy_id AS policy_id, j.title AS title, j.binding AS binding,\n"
  "  j.applies AS applies, j.applicability AS applicability, j.reason AS reason,\n"
  "  j.findings AS findings, j.unconfirmed AS unconfirmed, j.status AS status,\n"
  "  j.next_milestone AS next_milestone,\n"
  "  j.next_milestone_date AS next_milestone_date, j.next_milestone_at AS next_milestone_at,\n"
  "  j.deadline AS deadline, j.deadline_at AS deadline_at, j.deadline_source AS deadline_source,\n"
  "  j.days_remaining AS days_remaining, NULL AS first_detected,\n"
  "  CASE WHEN j.applies = 1 AND j.unconfirmed > 0 THEN\n"
  "    coalesce(j.confirmed_action || '; and ', '') || j.unconfirmed\n"
  "    || ' unconfirmed finding' || CASE WHEN j.unconfirmed = 1 THEN '' ELSE 's' END\n"
  "    || ' to check (weak indicator' || CASE WHEN j.unconfirmed = 1 THEN '' ELSE 's' END\n"
  "    || ', one source each: '\n"
  "    || CASE WHEN j.unconfirmed = 1 THEN 'it does' ELSE 'they do' END\n"
  "    || ' not count for the status until confirmed)'\n"
  "  ELSE j.confirmed_action END AS action,\n"
  "  j.source AS source, j.t AS evaluated_at, 'sql' AS engine\n"
  "FROM (SELECT j.*,\n"
  "  CASE\n"
  "    WHEN j.status = 'action_required' AND j.next_position <> j.last_position\n"
  "         AND j.days_remaining IS NOT NULL\n"
  "      THEN j.findings_words || ': ' || j.required_action || ', ' || " DAYS_LEFT (
    "j.next_days") "\n"
                   "           || '; deadline: ' || j.last_action || ', ' || " DAYS_LEFT (
                     "j.days_remaining") "\n"
                                         "    WHEN j.status = 'overdue'\n"
                                         "      THEN j.findings_words || ': ' || j.required_action "
                                         "|| '; overdue by '\n"
                                         "           || (-j.days_remaining) || ' day'\n"
                                         "           || CASE WHEN j.days_remaining = -1 THEN '' "
                                         "ELSE 's' END\n"
                                         "    WHEN j.status = 'action_required' AND "
                                         "j.days_remaining IS NOT NULL\n"
                                         "      THEN j.findings_words || ': ' || j.required_action "
                                         "|| '; ' || " DAYS_LEFT (
                                           "j.days_remaining") "\n"
                                                               "    WHEN j.status IN "
                                                               "('action_required', 'advisory')\n"
                                                               "      THEN j.findings_words || ': "
                                                               "' || j.required_action\n"
                                                               "  END AS confirmed_action\n"
                                                               "  FROM po_judged AS j) AS j\n"
                                                               "ORDER BY j.policy_id";

/* banned_software's columns, in the table's order, then engine */
static const gchar banned_select[] =
  "SELECT f.policy_id AS policy_id, j.applicability AS applicability, a.vendor AS vendor,\n"
  "  a.vendor_name AS vendor_name, a.product AS product, a.product_name AS product_name,\n"
  "  a.category AS category, f.source AS source, f.name AS name, f.version AS version,\n"
  "  f.path AS path, f.pid AS pid, a.indicator AS indicator, a.confidence AS confidence,\n"
  "  f.source || ':' || f.name AS finding,\n"
  "  CASE WHEN a.confidence = 'weak'\n"
  "    THEN 'confirm it first (a weak indicator, one source: it does not count until '\n"
  "         || 'confirmed); if it is the product: ' || j.required_action\n"
  "    ELSE j.required_action END AS required_action,\n"
  "  a.remediation AS remediation,\n"
  "  j.next_milestone AS next_milestone, j.next_milestone_date AS next_milestone_date,\n"
  "  j.next_milestone_at AS next_milestone_at, j.deadline AS deadline,\n"
  "  j.deadline_at AS deadline_at, j.days_remaining AS days_remaining,\n"
  "  NULL AS first_seen, NULL AS last_seen, 'sql' AS engine\n"
  "FROM po_finding AS f\n"
  "JOIN po_judged AS j ON j.policy_id = f.policy_id AND j.applies = 1\n"
  "JOIN po_arm AS a ON a.policy_id = f.policy_id AND a.arm = f.arm\n"
  "ORDER BY f.policy_id";

/* an empty CTE body with these columns (VALUES cannot be empty) */
static void
append_empty (GString *out, guint n_columns)
{
  g_string_append (out, "    SELECT ");
  for (guint i = 0; i < n_columns; i++)
    g_string_append_printf (out, "%sNULL", i > 0 ? ", " : "");
  g_string_append (out, " WHERE 0");
}

static void
append_values (GString *out, const gchar *head, GString *rows, guint n_columns)
{
  g_string_append_printf (out, "%s AS (\n", head);
  if (rows->len > 0)
    g_string_append_printf (out, "  VALUES\n%s", rows->str);
  else
    append_empty (out, n_columns);
  g_string_append (out, "\n),\n");
}

gchar *
po_export_table_sql (PoCatalogue *catalogue, GPtrArray *policies, PoProfile *profile,
                     PoExportPlatform platform, PoExportTable table, GString *notes)
{
  GPtrArray *selected = policies != NULL ? policies : po_catalogue_get_policies (catalogue);
  g_autoptr (GString) policy_rows = g_string_new (NULL);
  g_autoptr (GString) milestone_rows = g_string_new (NULL);
  g_autoptr (GString) arm_rows = g_string_new (NULL);
  g_autoptr (GString) findings = g_string_new (NULL);
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  g_return_val_if_fail (catalogue != NULL, NULL);
  g_return_val_if_fail (platform < PO_EXPORT_PLATFORM_N, NULL);
  g_return_val_if_fail (table < PO_EXPORT_TABLE_N, NULL);

  for (guint i = 0; i < selected->len; i++)
    {
      PoPolicy *policy = g_ptr_array_index (selected, i);
      g_autoptr (GDateTime) issued = issued_instant (policy);
      g_autoptr (GDateTime) evaluated = issued != NULL ? g_date_time_ref (issued)
                                                       : g_date_time_ref (now);
      PoApplicability applicability;
      g_autoptr (PoExportQuery) query = NULL;
      g_autofree gchar *id = NULL;
      g_autofree gchar *member = NULL;
      const gchar *sql;

      append_policy_row (policy_rows, policy, profile);
      append_milestone_rows (milestone_rows, policy);
      /* the findings of a policy that cannot apply to this profile are never
       * counted: the extension does not look for them either */
      po_policy_evaluate (policy, profile, evaluated, &applicability, NULL);
      if (!po_applicability_applies (applicability))
        continue;
      query = po_export_query_new_detailed (catalogue, policy, platform);
      if (notes != NULL)
        g_string_append (notes, po_export_query_get_notes (query));
      sql = po_export_query_get_findings_sql (query);
      if (sql == NULL)
        continue;
      append_arm_rows (arm_rows, query);
      id = po_export_sql_literal (po_policy_get_id (policy));
      member = indent (sql, "    ");
      g_string_append_printf (findings,
                              "%s  SELECT %s AS policy_id, x.source AS source, x.name AS name,\n"
                              "    x.version AS version, x.path AS path, x.pid AS pid,\n"
                              "    x.signer AS signer, x.detail AS detail, x.arm AS arm\n"
                              "  FROM (\n%s\n  ) AS x",
                              findings->len > 0 ? "\n  UNION ALL\n" : "", id, member);
    }

  g_string_append (out, "WITH po_now AS (SELECT unix_time AS t FROM time),\n");
  append_values (out,
                 "po_policy (policy_id, title, binding, issued_at, applies, applicability, "
                 "reason, early_reason, source, no_deadline_action)",
                 policy_rows, 10);
  append_values (out, "po_milestone (policy_id, position, kind, day, passed_at, timed, action)",
                 milestone_rows, 7);
  append_values (out,
                 "po_arm (policy_id, arm, vendor, vendor_name, product, product_name, "
                 "category, indicator, confidence, remediation)",
                 arm_rows, 10);
  g_string_append (out, "po_finding (policy_id, source, name, version, path, pid, signer, detail, "
                        "arm) AS (\n");
  if (findings->len > 0)
    g_string_append (out, findings->str);
  else
    append_empty (out, 9);
  g_string_append (out, "\n),\n");
  g_string_append (out, judged_sql);
  g_string_append (out, table == PO_EXPORT_TABLE_STATUS ? status_select : banned_select);
  return g_string_free (g_steal_pointer (&out), FALSE);
}
