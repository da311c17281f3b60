/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `phaseout fleet report`: five set-based statements over the runs, the
 * same text on SQLite and PostgreSQL, and a little arithmetic in C.
 *
 *   hosts     each host's latest status run of each policy that began by
 *             the end of the as-of day
 *   seen      each host's last report up to that day
 *   start     the first day each policy has any status
 *   burn-down a run with findings counts +1 on the day it begins and -1 on
 *             the day the host's next run of the policy begins; the running
 *             sum is the number of hosts whose status at the end of that day
 *             had findings (action_required, overdue or advisory, findings >
 *             0).  A host that stops reporting keeps its last status: a
 *             finding is never assumed gone
 *   products  each finding's latest run, present, by product and policy, of
 *             the hosts whose status has findings (phaseout_status.findings
 *             counts banned_software's rows, and an empty snapshot logged one
 *             row per line says nothing at all)
 *
 * Stale: a host whose last report is more than stale_days days before the
 * as-of day.  It is counted as stale instead of its status, so a host that
 * no longer reports is never counted as compliant.
 */
#include <string.h>

#include "po-fleet-internal.h"

static const gchar *const sql_hosts =
  "SELECT l.policy_id, l.host_key, h.hostname, h.engine, l.status, l.findings, l.detail"
  " FROM (SELECT policy_id, host_key, present, status, findings, detail,"
  "   ROW_NUMBER() OVER (PARTITION BY host_key, policy_id ORDER BY first_t DESC) AS rn"
  "  FROM po_fleet_run WHERE kind = 0 AND first_t < $1) l"
  " JOIN po_fleet_host h ON h.host_key = l.host_key"
  " WHERE l.rn = 1 AND l.present = 1"
  " ORDER BY l.policy_id, h.hostname, l.host_key";

/* each host's last report up to the as-of day: one index seek per host
 * (grouping the daily table instead reads all of it, ten times slower) */
static const gchar *const sql_last_seen =
  "SELECT h.host_key, (SELECT s.last_t FROM po_fleet_seen s"
  "  WHERE s.host_key = h.host_key AND s.day <= $1 ORDER BY s.day DESC LIMIT 1)"
  " FROM po_fleet_host h";

static const gchar *const sql_start =
  "SELECT policy_id, MIN(first_t) FROM po_fleet_run WHERE kind = 0 AND first_t < $1"
  " GROUP BY policy_id";

static const gchar *const sql_burn_down =
  "WITH r AS ("
  "  SELECT policy_id, first_t,"
  "   LEAD(first_t) OVER (PARTITION BY host_key, policy_id ORDER BY first_t) AS next_t,"
  "   CASE WHEN present = 1 AND findings > 0"
  "     AND status IN ('action_required', 'overdue', 'advisory') THEN 1 ELSE 0 END AS hf"
  "  FROM po_fleet_run WHERE kind = 0 AND first_t < $1)"
  " SELECT policy_id, day, SUM(delta) FROM ("
  "  SELECT policy_id, first_t / 86400 AS day, 1 AS delta FROM r WHERE hf = 1"
  "  UNION ALL"
  "  SELECT policy_id, next_t / 86400 AS day, -1 AS delta FROM r"
  "   WHERE hf = 1 AND next_t IS NOT NULL) d"
  " GROUP BY policy_id, day ORDER BY policy_id, day";

static const gchar *const sql_products =
  "SELECT policy_id, detail, host_key FROM ("
  "  SELECT policy_id, host_key, present, detail,"
  "   ROW_NUMBER() OVER (PARTITION BY host_key, policy_id, item ORDER BY first_t DESC) AS rn"
  "  FROM po_fleet_run WHERE kind = 1 AND first_t < $1) f"
  " WHERE rn = 1 AND present = 1"
  " ORDER BY policy_id, detail, host_key";

const gchar *
po_fleet_bucket_to_string (PoFleetBucket bucket)
{
  static const gchar *const names[] = { "compliant", "action_required", "overdue",
                                        "advisory",  "not_applicable",  "stale" };

  return bucket < PO_FLEET_BUCKET_N ? names[bucket] : "unknown";
}

static PoFleetBucket
bucket_from_status (const gchar *status)
{
  for (guint b = 0; b < PO_FLEET_BUCKET_STALE; b++)
    if (g_strcmp0 (status, po_fleet_bucket_to_string (b)) == 0)
      return b;
  return PO_FLEET_BUCKET_N;
}

/* a host's strings belong to the report's string chunk: a host is listed
 * under every policy, and 10,000 hosts under six policies would otherwise
 * be 60,000 copies of each name */
static void
host_free (gpointer data)
{
  g_free (data);
}

static gchar *
report_string (PoFleetReport *report, const gchar *text)
{
  return text != NULL ? g_string_chunk_insert_const (report->strings, text) : NULL;
}

static void
product_free (gpointer data)
{
  PoFleetProduct *product = data;

  g_free (product->product);
  g_free (product);
}

static void
policy_free (gpointer data)
{
  PoFleetPolicyReport *policy = data;

  g_free (policy->policy_id);
  g_free (policy->deadline);
  g_array_unref (policy->burn_down);
  g_ptr_array_unref (policy->products);
  g_ptr_array_unref (policy->hosts_list);
  g_free (policy);
}

void
po_fleet_report_free (PoFleetReport *report)
{
  if (report == NULL)
    return;
  g_ptr_array_unref (report->policies);
  g_free (report->store_kind);
  if (report->strings != NULL)
    g_string_chunk_free (report->strings);
  g_free (report);
}

static PoFleetPolicyReport *
policy_get (GHashTable *by_id, PoFleetReport *report, const gchar *policy_id)
{
  PoFleetPolicyReport *policy = g_hash_table_lookup (by_id, policy_id);

  if (policy != NULL)
    return policy;
  policy = g_new0 (PoFleetPolicyReport, 1);
  policy->policy_id = g_strdup (policy_id);
  policy->burn_down = g_array_new (FALSE, FALSE, sizeof (PoFleetBurnPoint));
  policy->products = g_ptr_array_new_with_free_func (product_free);
  policy->hosts_list = g_ptr_array_new_with_free_func (host_free);
  policy->projected_zero = G_MININT64;
  g_ptr_array_add (report->policies, policy);
  g_hash_table_insert (by_id, policy->policy_id, policy);
  return policy;
}

static gboolean
read_hosts (PoFleetStore *store, PoFleetReport *report, GHashTable *by_id, gint64 end_t,
            GError **error)
{
  g_autoptr (PoFleetStmt) seen = po_fleet_stmt_new (store, sql_last_seen, error);
  g_autoptr (PoFleetStmt) stmt = NULL;
  g_autoptr (GHashTable) last_seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                            g_free);
  gboolean row;

  if (seen == NULL)
    return FALSE;
  po_fleet_stmt_bind_int64 (seen, 1, report->as_of);
  while (po_fleet_stmt_step (seen, &row, error) && row)
    {
      gint64 *value;

      if (po_fleet_stmt_is_null (seen, 1))
        continue;
      value = g_new (gint64, 1);
      *value = po_fleet_stmt_int64 (seen, 1);
      g_hash_table_insert (last_seen, g_strdup (po_fleet_stmt_text (seen, 0)), value);
    }
  if (error != NULL && *error != NULL)
    return FALSE;

  stmt = po_fleet_stmt_new (store, sql_hosts, error);
  if (stmt == NULL)
    return FALSE;
  po_fleet_stmt_bind_int64 (stmt, 1, end_t);
  while (po_fleet_stmt_step (stmt, &row, error) && row)
    {
      PoFleetPolicyReport *policy = policy_get (by_id, report, po_fleet_stmt_text (stmt, 0));
      PoFleetHost *host = g_new0 (PoFleetHost, 1);
      gint64 *seen_at;

      host->host_key = report_string (report, po_fleet_stmt_text (stmt, 1));
      host->hostname = report_string (report, po_fleet_stmt_text (stmt, 2));
      host->engine = report_string (report, po_fleet_stmt_text (stmt, 3));
      host->status = report_string (report, po_fleet_stmt_text (stmt, 4));
      host->findings = po_fleet_stmt_is_null (stmt, 5) ? 0 : po_fleet_stmt_int64 (stmt, 5);
      host->deadline = report_string (report, po_fleet_stmt_text (stmt, 6));
      seen_at = g_hash_table_lookup (last_seen, host->host_key);
      host->last_seen = seen_at != NULL ? *seen_at : 0;
      host->bucket = bucket_from_status (host->status);
      if (seen_at == NULL
          || po_fleet_day_of (host->last_seen) < report->as_of - (gint64) report->stale_days)
        host->bucket = PO_FLEET_BUCKET_STALE;
      if (host->bucket < PO_FLEET_BUCKET_N)
        policy->hosts[host->bucket]++;
      policy->hosts_total++;
      g_ptr_array_add (policy->hosts_list, host);
    }
  return error == NULL || *error == NULL;
}

/* the deadline the hosts with findings report, else any host's: the latest */
static void
choose_deadline (PoFleetPolicyReport *policy)
{
  for (guint pass = 0; pass < 2 && policy->deadline == NULL; pass++)
    for (guint i = 0; i < policy->hosts_list->len; i++)
      {
        PoFleetHost *host = g_ptr_array_index (policy->hosts_list, i);

        if (host->deadline == NULL || (pass == 0 && host->findings == 0))
          continue;
        if (policy->deadline == NULL || strcmp (host->deadline, policy->deadline) > 0)
          {
            g_free (policy->deadline);
            policy->deadline = g_strdup (host->deadline);
          }
      }
}

static gboolean
read_burn_down (PoFleetStore *store, PoFleetReport *report, GHashTable *by_id, gint64 end_t,
                GError **error)
{
  g_autoptr (PoFleetStmt) start = po_fleet_stmt_new (store, sql_start, error);
  g_autoptr (PoFleetStmt) deltas = NULL;
  g_autoptr (GHashTable) first_day = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                            g_free);
  g_autoptr (GHashTable) changes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                          (GDestroyNotify) g_array_unref);
  gboolean row;

  if (start == NULL)
    return FALSE;
  po_fleet_stmt_bind_int64 (start, 1, end_t);
  while (po_fleet_stmt_step (start, &row, error) && row)
    {
      PoFleetPolicyReport *policy = policy_get (by_id, report, po_fleet_stmt_text (start, 0));
      gint64 *first = g_new (gint64, 1);
      GArray *change;

      *first = MIN (po_fleet_day_of (po_fleet_stmt_int64 (start, 1)), report->as_of);
      g_hash_table_insert (first_day, g_strdup (policy->policy_id), first);
      change = g_array_new (FALSE, TRUE, sizeof (gint64));
      g_array_set_size (change, (guint) (report->as_of - *first + 1));
      g_hash_table_insert (changes, policy->policy_id, change);
    }
  if (error != NULL && *error != NULL)
    return FALSE;

  deltas = po_fleet_stmt_new (store, sql_burn_down, error);
  if (deltas == NULL)
    return FALSE;
  po_fleet_stmt_bind_int64 (deltas, 1, end_t);
  while (po_fleet_stmt_step (deltas, &row, error) && row)
    {
      const gchar *policy_id = po_fleet_stmt_text (deltas, 0);
      gint64 *first = g_hash_table_lookup (first_day, policy_id);
      GArray *change = g_hash_table_lookup (changes, policy_id);
      gint64 day = po_fleet_stmt_int64 (deltas, 1);

      if (first == NULL || change == NULL || day < *first || day > report->as_of)
        continue;
      g_array_index (change, gint64, day - *first) += po_fleet_stmt_int64 (deltas, 2);
    }
  if (error != NULL && *error != NULL)
    return FALSE;

  /* the running sum of the changes, one point per day */
  for (guint i = 0; i < report->policies->len; i++)
    {
      PoFleetPolicyReport *policy = g_ptr_array_index (report->policies, i);
      gint64 *first = g_hash_table_lookup (first_day, policy->policy_id);
      GArray *change = g_hash_table_lookup (changes, policy->policy_id);
      gint64 count = 0;

      if (first == NULL || change == NULL)
        continue;
      for (guint k = 0; k < change->len; k++)
        {
          PoFleetBurnPoint point = { *first + k, 0 };

          count += g_array_index (change, gint64, k);
          point.hosts_with_findings = (guint) MAX (count, 0);
          g_array_append_val (policy->burn_down, point);
        }
    }
  return TRUE;
}

static gint
compare_products (gconstpointer a, gconstpointer b)
{
  const PoFleetProduct *pa = *(PoFleetProduct *const *) a;
  const PoFleetProduct *pb = *(PoFleetProduct *const *) b;

  if (pa->hosts != pb->hosts)
    return pa->hosts > pb->hosts ? -1 : 1;
  return g_strcmp0 (pa->product, pb->product);
}

/* the findings present, counted per product over the hosts whose status
 * has findings (the join is done here: SQLite would scan one windowed
 * result once per row of the other) */
static gboolean
read_products (PoFleetStore *store, PoFleetReport *report, GHashTable *by_id, gint64 end_t,
               GError **error)
{
  g_autoptr (PoFleetStmt) stmt = po_fleet_stmt_new (store, sql_products, error);
  g_autoptr (GHashTable) with_findings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                                NULL);
  g_autofree gchar *last_key = NULL;
  PoFleetProduct *product = NULL;
  gboolean row;

  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < report->policies->len; i++)
    {
      PoFleetPolicyReport *policy = g_ptr_array_index (report->policies, i);

      for (guint k = 0; k < policy->hosts_list->len; k++)
        {
          PoFleetHost *host = g_ptr_array_index (policy->hosts_list, k);

          if (host->findings > 0)
            g_hash_table_add (with_findings,
                              g_strconcat (policy->policy_id, "\x1f", host->host_key, NULL));
        }
    }
  po_fleet_stmt_bind_int64 (stmt, 1, end_t);
  while (po_fleet_stmt_step (stmt, &row, error) && row)
    {
      const gchar *policy_id = po_fleet_stmt_text (stmt, 0);
      const gchar *detail = po_fleet_stmt_text (stmt, 1);
      g_autofree gchar *host = g_strconcat (policy_id, "\x1f", po_fleet_stmt_text (stmt, 2), NULL);
      g_autofree gchar *key = g_strconcat (host, "\x1f", detail, NULL);
      PoFleetPolicyReport *policy;

      if (!g_hash_table_contains (with_findings, host) || g_strcmp0 (key, last_key) == 0)
        continue;
      g_free (last_key);
      last_key = g_steal_pointer (&key);
      policy = policy_get (by_id, report, policy_id);
      if (product == NULL || g_strcmp0 (product->product, detail) != 0 || policy->products->len == 0
          || g_ptr_array_index (policy->products, policy->products->len - 1) != product)
        {
          product = g_new0 (PoFleetProduct, 1);
          product->product = g_strdup (detail);
          g_ptr_array_add (policy->products, product);
        }
      product->hosts++;
    }
  if (error != NULL && *error != NULL)
    return FALSE;
  for (guint i = 0; i < report->policies->len; i++)
    {
      PoFleetPolicyReport *policy = g_ptr_array_index (report->policies, i);
      g_ptr_array_sort (policy->products, compare_products);
    }
  return TRUE;
}

static gint
compare_policies (gconstpointer a, gconstpointer b)
{
  const PoFleetPolicyReport *pa = *(PoFleetPolicyReport *const *) a;
  const PoFleetPolicyReport *pb = *(PoFleetPolicyReport *const *) b;

  return strcmp (pa->policy_id, pb->policy_id);
}

PoFleetReport *
po_fleet_report_build (PoFleetStore *store, gint64 as_of_day, guint stale_days, GError **error)
{
  g_autoptr (PoFleetReport) report = g_new0 (PoFleetReport, 1);
  g_autoptr (GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  gint64 end_t = (as_of_day + 1) * PO_FLEET_SECONDS_PER_DAY;

  report->as_of = as_of_day;
  report->stale_days = stale_days;
  report->trend_days = PO_FLEET_TREND_DAYS;
  report->store_kind = g_strdup (po_fleet_store_get_kind (store));
  report->policies = g_ptr_array_new_with_free_func (policy_free);
  report->strings = g_string_chunk_new (65536);
  if (!read_hosts (store, report, by_id, end_t, error)
      || !read_burn_down (store, report, by_id, end_t, error)
      || !read_products (store, report, by_id, end_t, error))
    return NULL;
  g_ptr_array_sort (report->policies, compare_policies);
  for (guint i = 0; i < report->policies->len; i++)
    {
      PoFleetPolicyReport *policy = g_ptr_array_index (report->policies, i);
      PoFleetBurnPoint *points = (PoFleetBurnPoint *) (gpointer) policy->burn_down->data;

      choose_deadline (policy);
      policy->projected_zero = po_fleet_projection_zero (points, policy->burn_down->len,
                                                         report->trend_days);
      policy->zero_reached = policy->burn_down->len > 0
                             && points[policy->burn_down->len - 1].hosts_with_findings == 0;
    }
  return g_steal_pointer (&report);
}
