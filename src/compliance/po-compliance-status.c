/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A policy's status on this endpoint: its deadline, the days left, and
 * what to do.  The rules (README.md, "Deadlines and status"):
 *
 *   - The deadline is the policy's last milestone.  A policy with no
 *     milestone, on an endpoint whose profile sets grace-period-days, has
 *     the end of the grace period instead, counted from the day its present
 *     findings were first detected (the state database knows when).
 *   - A date without a time of day is a whole day: "by 2017-12-12" is met
 *     on 12 December and missed from 13 December, UTC.  A milestone with a
 *     time (2024-09-29T00:00:00-04:00) passes at that instant.
 *   - days_remaining counts whole days to the deadline: 0 on the day
 *     itself, negative once it has passed (-1 the day after).
 *   - The next milestone is the first that has not passed; when all have,
 *     the last (so an overdue policy shows what it is overdue with).  What
 *     to do (required_action, and the action line) names that step and its
 *     date, not the last milestone: on BOD 17-01's day 29 it is "identify
 *     and report the products by 2017-10-13", with the deadline after it.
 *   - status: not_applicable unless the policy binds or advises this
 *     profile (never before its issue date: po_policy_evaluate() says
 *     not_issued); compliant without confirmed findings; advisory for
 *     advice; overdue when binding and days_remaining < 0; otherwise
 *     action_required.
 *   - Confirmed findings are those of verified and corroborated
 *     indicators.  A finding of a weak indicator (one source) is listed and
 *     counted (n_unconfirmed), and the action line says it is there to
 *     check, but it alone never makes a policy action_required, overdue or
 *     advisory, nor starts a grace period: nothing unverified counts as a
 *     binding finding.
 */
#include "po-compliance-private.h"

#include <string.h>

const gchar *
po_status_to_string (PoStatus status)
{
  switch (status)
    {
    case PO_STATUS_COMPLIANT:
      return "compliant";
    case PO_STATUS_ACTION_REQUIRED:
      return "action_required";
    case PO_STATUS_OVERDUE:
      return "overdue";
    case PO_STATUS_ADVISORY:
      return "advisory";
    case PO_STATUS_NOT_APPLICABLE:
      return "not_applicable";
    default:
      return NULL;
    }
}

gboolean
po_finding_is_confirmed (const PoFinding *finding)
{
  return g_strcmp0 (finding->confidence, "weak") != 0;
}

static gboolean
match_is_confirmed (PoMatch *match)
{
  return po_finding_is_confirmed (match->finding);
}

void
po_policy_result_free (PoPolicyResult *result)
{
  if (result == NULL)
    return;
  g_free (result->unconfirmed_action);
  g_free (result->reason);
  g_ptr_array_unref (result->matches);
  g_free (result->next_milestone_date);
  g_free (result->deadline);
  g_free (result->required_action);
  g_free (result->advice);
  g_free (result);
}

/* the UTC calendar day of a time, as a day number */
static gint64
day_number (GDateTime *time)
{
  g_autoptr (GDateTime) utc = g_date_time_to_utc (time);
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, (GDateDay) g_date_time_get_day_of_month (utc),
                  (GDateMonth) g_date_time_get_month (utc), (GDateYear) g_date_time_get_year (utc));
  return g_date_get_julian (&date);
}

static gboolean
milestone_has_time (const PoMilestone *milestone)
{
  return strlen (milestone->date) > 10;
}

/* whole days from now to the milestone; negative once it has passed */
static gint64
days_until (const PoMilestone *milestone, GDateTime *now)
{
  GTimeSpan span;

  if (!milestone_has_time (milestone))
    return day_number (milestone->when) - day_number (now);
  span = g_date_time_difference (milestone->when, now);
  if (span > 0)
    return span / G_TIME_SPAN_DAY;
  return -((-span) / G_TIME_SPAN_DAY) - 1;
}

static gboolean
milestone_passed (const PoMilestone *milestone, GDateTime *now)
{
  return days_until (milestone, now) < 0;
}

/* the first milestone that has not passed, or the last once all have; NULL without any */
static const PoMilestone *
pending_milestone (PoPolicy *policy, GDateTime *now)
{
  guint n_milestones = 0;
  const PoMilestone *milestones = po_policy_get_milestones (policy, &n_milestones);

  for (guint i = 0; i < n_milestones; i++)
    if (!milestone_passed (&milestones[i], now))
      return &milestones[i];
  return n_milestones > 0 ? &milestones[n_milestones - 1] : NULL;
}

/* what a milestone of this kind asks, by its date */
static gchar *
kind_action (const PoMilestone *milestone)
{
  static const struct {
    const gchar *kind;
    const gchar *format;
  } actions[] = {
    { "identify", "identify and report the products by %s" },
    { "report", "report the products by %s" },
    { "plan", "submit the removal plan by %s" },
    { "begin-removal", "begin removal by %s" },
    { "remove", "remove the products by %s" },
    /* use is prohibited from that day on: "by" would suggest the day itself is allowed */
    { "use-prohibited", "stop using the products (prohibited from %s)" },
    { "procurement-prohibited", "buy no more of the products from %s" },
    { "no-new-sales", "replace the products (sales end %s)" },
    { "end-of-updates", "replace the products (updates end %s)" },
  };

  g_autofree gchar *date = po_milestone_format_readable (milestone);

  for (gsize i = 0; i < G_N_ELEMENTS (actions); i++)
    if (g_str_equal (milestone->kind, actions[i].kind))
      return g_strdup_printf (actions[i].format, date);
  /* "other": only the policy's own words say what happens */
  if (milestone->description != NULL)
    return g_strdup_printf ("on %s: %s", date, milestone->description);
  return g_strdup_printf ("act as the policy requires by %s", date);
}

gchar *
po_compliance_milestone_action (const PoMilestone *milestone)
{
  return kind_action (milestone);
}

static gchar *
format_day (gint64 julian)
{
  GDate date;
  gchar text[16];

  g_date_clear (&date, 1);
  g_date_set_julian (&date, (guint32) julian);
  g_date_strftime (text, sizeof text, "%Y-%m-%d", &date);
  return g_strdup (text);
}

/* the second a UTC day (a day number) begins, since the epoch */
static gint64
day_start (gint64 julian)
{
  GDate epoch;

  g_date_clear (&epoch, 1);
  g_date_set_dmy (&epoch, 1, G_DATE_JANUARY, 1970);
  return (julian - (gint64) g_date_get_julian (&epoch)) * 86400;
}

static void
compute_deadline (PoPolicyResult *result, PoProfile *profile, GDateTime *now)
{
  guint n_milestones = 0;
  const PoMilestone *milestones = po_policy_get_milestones (result->policy, &n_milestones);
  gint grace = profile != NULL ? po_profile_get_grace_period_days (profile) : -1;

  if (n_milestones > 0)
    {
      const PoMilestone *last = &milestones[n_milestones - 1];
      const PoMilestone *next = pending_milestone (result->policy, now);

      result->next_milestone = next->kind;
      result->next_milestone_date = g_strdup (next->day);
      result->next_milestone_at = next->passed_at;
      result->deadline = g_strdup (last->day);
      result->deadline_at = last->passed_at;
      result->deadline_source = "policy";
      result->has_days = TRUE;
      result->days_remaining = days_until (last, now);
      return;
    }
  if (grace >= 0 && result->applies && result->matches->len > result->n_unconfirmed
      && result->first_detected > 0)
    {
      g_autoptr (GDateTime) detected = g_date_time_new_from_unix_utc (result->first_detected);
      gint64 end = day_number (detected) + grace;

      result->next_milestone = "grace-period-end";
      result->deadline = format_day (end);
      result->deadline_at = day_start (end + 1);
      result->next_milestone_date = g_strdup (result->deadline);
      result->next_milestone_at = result->deadline_at;
      result->deadline_source = "grace_period";
      result->has_days = TRUE;
      result->days_remaining = end - day_number (now);
    }
}

/* what the policy asks next: the next pending milestone's step */
static gchar *
required_action (PoPolicyResult *result, PoProfile *profile, GDateTime *now)
{
  const PoMilestone *next = pending_milestone (result->policy, now);
  gint grace = profile != NULL ? po_profile_get_grace_period_days (profile) : -1;

  if (!result->applies)
    return NULL;
  if (result->applicability == PO_APPLICABILITY_ADVISORY)
    {
      g_autofree gchar *action = next != NULL ? kind_action (next) : NULL;
      return g_strdup_printf ("advised, not binding: %s",
                              action != NULL ? action : "replace the products");
    }
  if (next != NULL)
    return kind_action (next);
  if (g_strcmp0 (result->deadline_source, "grace_period") == 0)
    return g_strdup_printf ("remove the products by %s (the organisation's grace period of %d "
                            "days from first detection; the policy sets no deadline)",
                            result->deadline, grace);
  if (grace >= 0)
    return g_strdup_printf ("remove the products within the organisation's grace period of %d "
                            "days from first detection (the policy sets no deadline)",
                            grace);
  return g_strdup ("phase the products out (the policy sets no deadline)");
}

static gchar *
days_left (gint64 days)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT " day%s left", days, days == 1 ? "" : "s");
}

/*
 * What to do now, in one line.  Between milestones the next step comes
 * first with its own days, then the deadline it leads to: "identify and
 * report the products by 2017-10-13, 1 day left; deadline: begin removal
 * by 2017-12-12, 61 days left".
 */
static gchar *
confirmed_advice (PoPolicyResult *result, GDateTime *now)
{
  guint n = result->matches->len - result->n_unconfirmed;
  const gchar *findings = n == 1 ? "finding" : "findings";
  const PoMilestone *next = pending_milestone (result->policy, now);
  const PoMilestone *last = po_policy_get_final_milestone (result->policy);

  if (result->status == PO_STATUS_ACTION_REQUIRED && next != last && result->has_days)
    {
      g_autofree gchar *final_action = kind_action (last);
      g_autofree gchar *step_days = days_left (days_until (next, now));
      g_autofree gchar *final_days = days_left (result->days_remaining);
      return g_strdup_printf ("%u %s: %s, %s; deadline: %s, %s", n, findings,
                              result->required_action, step_days, final_action, final_days);
    }
  switch (result->status)
    {
    case PO_STATUS_OVERDUE:
      return g_strdup_printf ("%u %s: %s; overdue by %" G_GINT64_FORMAT " day%s", n, findings,
                              result->required_action, -result->days_remaining,
                              result->days_remaining == -1 ? "" : "s");
    case PO_STATUS_ACTION_REQUIRED:
      if (result->has_days)
        return g_strdup_printf ("%u %s: %s; %" G_GINT64_FORMAT " day%s left", n, findings,
                                result->required_action, result->days_remaining,
                                result->days_remaining == 1 ? "" : "s");
      return g_strdup_printf ("%u %s: %s", n, findings, result->required_action);
    case PO_STATUS_ADVISORY:
      return g_strdup_printf ("%u %s: %s", n, findings, result->required_action);
    case PO_STATUS_COMPLIANT:
    case PO_STATUS_NOT_APPLICABLE:
    default:
      return NULL;
    }
}

/*
 * The action line: what the confirmed findings ask, then the unconfirmed
 * ones to check, "1 finding: ...; and 2 unconfirmed findings to check (weak
 * indicators, one source each: they do not count until confirmed)".
 */
static gchar *
advice (PoPolicyResult *result, GDateTime *now)
{
  g_autofree gchar *confirmed = confirmed_advice (result, now);
  guint n = result->n_unconfirmed;

  if (n == 0 || !result->applies)
    return g_steal_pointer (&confirmed);
  return g_strdup_printf ("%s%s%u unconfirmed finding%s to check (weak indicator%s, one source "
                          "each: %s not count for the status until confirmed)",
                          confirmed != NULL ? confirmed : "", confirmed != NULL ? "; and " : "", n,
                          n == 1 ? "" : "s", n == 1 ? "" : "s", n == 1 ? "it does" : "they do");
}

void
po_policy_result_compute (PoPolicyResult *result, PoProfile *profile, GDateTime *now,
                          gboolean history)
{
  gboolean any_confirmed;

  result->n_unconfirmed = 0;
  for (guint i = 0; i < result->matches->len; i++)
    if (!match_is_confirmed (g_ptr_array_index (result->matches, i)))
      result->n_unconfirmed++;
  any_confirmed = result->matches->len > result->n_unconfirmed;

  /* the first detection of what counts: confirmed findings when there are
   * any, else the unconfirmed ones */
  result->first_detected = 0;
  for (guint i = 0; history && i < result->matches->len; i++)
    {
      PoMatch *match = g_ptr_array_index (result->matches, i);
      if (any_confirmed && !match_is_confirmed (match))
        continue;
      if (match->first_seen > 0
          && (result->first_detected == 0 || match->first_seen < result->first_detected))
        result->first_detected = match->first_seen;
    }
  compute_deadline (result, profile, now);

  if (!result->applies)
    result->status = PO_STATUS_NOT_APPLICABLE;
  else if (!any_confirmed)
    result->status = PO_STATUS_COMPLIANT;
  else if (result->applicability == PO_APPLICABILITY_ADVISORY)
    result->status = PO_STATUS_ADVISORY;
  else if (result->has_days && result->days_remaining < 0)
    result->status = PO_STATUS_OVERDUE;
  else
    result->status = PO_STATUS_ACTION_REQUIRED;

  result->required_action = required_action (result, profile, now);
  if (result->n_unconfirmed > 0 && result->required_action != NULL)
    result->unconfirmed_action = g_strdup_printf ("confirm it first (a weak indicator, one source: "
                                                  "it does not count until confirmed); if it is "
                                                  "the product: %s",
                                                  result->required_action);
  result->advice = advice (result, now);
}
