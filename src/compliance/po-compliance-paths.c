/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Path findings: every linux.path indicator of the wanted owners probed
 * beneath the root (po_inventory_probe_pattern()), with a memo of missing
 * directories (PoPathMemo) so that a large catalogue costs one look per
 * vendor directory.
 */
#include "po-compliance-private.h"

#include <string.h>

/* a path indicator DIR/STAR (a last component "*", no other wildcard): DIR holds something */
static gchar *
directory_of_contents_pattern (const gchar *pattern)
{
  gsize length = strlen (pattern);

  if (length < 3 || !g_str_has_suffix (pattern, "/*"))
    return NULL;
  if (strpbrk (pattern, "*?") != pattern + length - 1)
    return NULL;
  return g_strndup (pattern, length - 2);
}

typedef struct {
  gchar *path;
  GArray *candidates;
} PathHit;

static void
path_hit_free (PathHit *hit)
{
  g_free (hit->path);
  g_array_unref (hit->candidates);
  g_free (hit);
}

static gboolean
is_same_or_beneath (const gchar *path, const gchar *ancestor)
{
  gsize length = strlen (ancestor);

  if (!g_str_has_prefix (path, ancestor))
    return FALSE;
  return path[length] == '\0' || path[length] == '/' || g_str_equal (ancestor, "/");
}

/* probes one indicator's pattern and notes each path it stands for */
static gboolean
probe_indicator (const PoCollectRequest *request, const PoIndicator *indicator,
                 GHashTable *hits_by_path, GPtrArray *hits, PoPathMemo *memo, GPtrArray *warnings)
{
  const gchar *pattern = po_indicator_get_pattern (indicator);
  g_autofree gchar *directory = directory_of_contents_pattern (pattern);
  g_autoptr (GPtrArray) infos = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  if (!po_path_memo_could_exist (memo, pattern))
    return TRUE;
  if (!po_inventory_probe_pattern (request->inventory, pattern, warnings, &infos, &error))
    {
      /* a pattern the probe cannot expand is a catalogue matter, not this host's */
      g_debug ("path indicator %s: %s", pattern, error->message);
      return TRUE;
    }
  if (directory != NULL && infos->len > 0)
    g_ptr_array_add (paths, g_steal_pointer (&directory));
  else if (directory == NULL)
    for (guint i = 0; i < infos->len; i++)
      g_ptr_array_add (paths, g_strdup (((PoPathInfo *) g_ptr_array_index (infos, i))->path));

  for (guint i = 0; i < paths->len; i++)
    {
      const gchar *path = g_ptr_array_index (paths, i);
      PathHit *hit = g_hash_table_lookup (hits_by_path, path);
      PoCandidate candidate = { 0 };

      if (hit == NULL)
        {
          hit = g_new0 (PathHit, 1);
          hit->path = g_strdup (path);
          hit->candidates = po_candidates_new ();
          g_hash_table_insert (hits_by_path, hit->path, hit);
          g_ptr_array_add (hits, hit);
        }
      candidate.vendor = po_indicator_get_vendor (indicator);
      candidate.product = po_indicator_get_product (indicator);
      candidate.indicator = g_strdup_printf ("%s:%s",
                                             po_indicator_kind_to_string (PO_INDICATOR_LINUX_PATH),
                                             pattern);
      candidate.confidence = po_indicator_get_confidence (indicator);
      candidate.rank = po_indicator_is_glob (indicator) ? 1 : 0;
      g_array_append_val (hit->candidates, candidate);
    }
  return TRUE;
}

/*
 * The path indicators of one catalogue, each with the paths whose absence
 * rules it out (po_path_memo_checked_prefixes(): /opt, /opt/acme,
 * /opt/acme/bin for /opt/acme/bin/STAR), worked out once per catalogue
 * (the compliance index keeps it) as a tree of prefixes shared between
 * indicators.  A scan asks the memo
 * about a prefix only when its parent is there, and passes over every
 * indicator beneath a missing one reading only its slot in prefix_of, not
 * the indicator: with tens of thousands of indicators, walking them all on
 * every query was most of what a large catalogue cost.
 */
struct _PoPathPlan {
  GPtrArray *indicators; /* the catalogue's path indicators, borrowed */
  guint *prefix_of;      /* per indicator: 0 none, else 1 + its longest prefix */
  GPtrArray *prefixes;   /* gchar*, each once */
  guint *parent_of;      /* per prefix: 0 none, else 1 + the prefix above it */
};

void
po_path_plan_free (PoPathPlan *plan)
{
  if (plan == NULL)
    return;
  g_free (plan->prefix_of);
  g_free (plan->parent_of);
  g_ptr_array_unref (plan->prefixes);
  g_free (plan);
}

PoPathPlan *
po_path_plan_new (PoCatalogue *catalogue)
{
  PoPathPlan *plan = g_new0 (PoPathPlan, 1);
  g_autoptr (GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GArray) parents = g_array_new (FALSE, FALSE, sizeof (guint));

  plan->indicators = po_catalogue_get_indicators (catalogue, PO_INDICATOR_LINUX_PATH);
  plan->prefix_of = g_new0 (guint, MAX (plan->indicators->len, 1));
  plan->prefixes = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < plan->indicators->len; i++)
    {
      const PoIndicator *indicator = g_ptr_array_index (plan->indicators, i);
      g_auto (GStrv) prefixes = po_path_memo_checked_prefixes (
        po_indicator_get_pattern (indicator));
      guint parent = 0;

      for (guint p = 0; prefixes != NULL && prefixes[p] != NULL; p++)
        {
          gpointer found;

          if (!g_hash_table_lookup_extended (index, prefixes[p], NULL, &found))
            {
              found = GUINT_TO_POINTER (plan->prefixes->len + 1);
              g_ptr_array_add (plan->prefixes, g_strdup (prefixes[p]));
              g_hash_table_insert (index,
                                   g_ptr_array_index (plan->prefixes, plan->prefixes->len - 1),
                                   found);
              g_array_append_val (parents, parent);
            }
          parent = GPOINTER_TO_UINT (found);
        }
      plan->prefix_of[i] = parent;
    }
  plan->parent_of = (guint *) g_array_free (g_steal_pointer (&parents), FALSE);
  return plan;
}

/* what a scan knows of a plan's prefixes: not asked yet, there, missing */
enum { PREFIX_UNKNOWN, PREFIX_THERE, PREFIX_MISSING };

/* is prefix (1 + its index) missing? Its parents first: beneath a missing
 * one, nothing is asked */
static gboolean
prefix_missing (const PoPathPlan *plan, guint8 *known, PoPathMemo *memo, guint prefix)
{
  if (known[prefix] == PREFIX_UNKNOWN)
    {
      guint parent = plan->parent_of[prefix - 1];
      const gchar *path = g_ptr_array_index (plan->prefixes, prefix - 1);
      if (parent != 0 && prefix_missing (plan, known, memo, parent))
        known[prefix] = PREFIX_MISSING;
      else if (parent != 0)
        known[prefix] = po_path_memo_prefix_there (memo, path) ? PREFIX_THERE : PREFIX_MISSING;
      else
        known[prefix] = po_path_memo_could_exist (memo, path) ? PREFIX_THERE : PREFIX_MISSING;
    }
  return known[prefix] == PREFIX_MISSING;
}

/*
 * Paths: every path indicator of the wanted owners is probed beneath the
 * root.  DIR/STAR (a last "*" component) reports DIR when it holds
 * anything; other patterns report each path they match.  A vendor-wide
 * path (/opt/kaspersky) is left out when a product's path lies at or
 * beneath it: the product's row says more.
 */
gboolean
po_compliance_collect_paths (const PoCollectRequest *request, GPtrArray *findings)
{
  g_autoptr (GPtrArray) warnings = po_inventory_warnings_new ();
  g_autoptr (GHashTable) hits_by_path = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) hits = g_ptr_array_new_with_free_func ((GDestroyNotify) path_hit_free);
  g_autoptr (GPtrArray) path_findings = g_ptr_array_new ();
  g_autoptr (PoPathMemo) memo = po_path_memo_new (request->inventory);
  const PoPathPlan *plan = po_compliance_index_get_path_plan (request->index);
  g_autofree guint8 *known = g_new0 (guint8, plan->prefixes->len + 1);
  g_autofree gboolean *redundant = NULL;

  for (guint i = 0; i < plan->indicators->len; i++)
    {
      const PoIndicator *indicator;

      if (plan->prefix_of[i] != 0 && prefix_missing (plan, known, memo, plan->prefix_of[i]))
        continue;
      indicator = g_ptr_array_index (plan->indicators, i);
      if (po_compliance_owner_wanted (request->owners, po_indicator_get_vendor (indicator),
                                      po_indicator_get_product (indicator)))
        probe_indicator (request, indicator, hits_by_path, hits, memo, warnings);
    }

  for (guint i = 0; i < hits->len; i++)
    {
      PathHit *hit = g_ptr_array_index (hits, i);
      g_autoptr (GArray) chosen = po_candidates_resolve (hit->candidates);
      for (guint c = 0; c < chosen->len; c++)
        {
          const PoCandidate *candidate = &g_array_index (hit->candidates, PoCandidate,
                                                         g_array_index (chosen, guint, c));
          PoFinding *finding = po_finding_new_from_candidate (PO_FINDING_SOURCE_PATH, candidate,
                                                              hit->path);
          finding->path = g_strdup (hit->path);
          g_ptr_array_add (path_findings, finding);
        }
    }

  /* decide every finding's fate before freeing any: they are compared with each other */
  redundant = g_new0 (gboolean, MAX (path_findings->len, 1));
  for (guint i = 0; i < path_findings->len; i++)
    {
      PoFinding *finding = g_ptr_array_index (path_findings, i);
      for (guint j = 0; j < path_findings->len && finding->product == NULL && !redundant[i]; j++)
        {
          PoFinding *other = g_ptr_array_index (path_findings, j);
          redundant[i] = other->product != NULL && other->vendor == finding->vendor
                         && is_same_or_beneath (other->path, finding->path);
        }
    }
  for (guint i = 0; i < path_findings->len; i++)
    {
      PoFinding *finding = g_ptr_array_index (path_findings, i);
      if (redundant[i])
        po_finding_free (finding);
      else
        g_ptr_array_add (findings, finding);
    }
  return po_compliance_warnings_complete (warnings);
}
