/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The compiler from the policy catalogue to osquery SQL over osquery's own
 * core tables (docs/export.md is the user's guide).
 *
 * A "site" is one osquery table and what it can be asked; the indicator
 * kind descriptors (po-indicator-kinds.c) say which sites find each kind,
 * against which of the site's keys, normalised how.
 * For one policy and platform the compiler walks every site of the
 * platform and, for every product the policy covers (and the vendor-wide
 * indicators when it covers every category), writes one CASE arm per group
 * of exact names (an IN list) and one per glob.  The arm's label says which
 * indicator matched.  Each site becomes three nested SELECTs:
 *
 *   b: the table's columns under common names (name, version, path,
 *      signer, detail) plus the comparison keys (k_*), each normalised as
 *      the indicator kind compares: lower() where the catalogue is
 *      case-insensitive, white space folded for free text, '/' as '\' for
 *      Windows paths, '-' as '_' for kernel modules;
 *   t: b plus "matched", the CASE that names the first matching indicator
 *      (products before vendor-wide ones), or NULL;
 *   the rows of t that matched, with a signer fetched (signature,
 *   authenticode) only for them.
 *
 * and the sites are joined with UNION ALL.
 *
 * Look-alikes (po-export-gate.c): where the table carries the vendor's
 * identity, a match on a name must also carry the identity.
 *
 * Only core SQLite is used (lower, trim, replace, substr, rtrim, char,
 * LIKE ... ESCAPE, GLOB, EXISTS), so every osqueryd runs it.  lower() and
 * LIKE fold ASCII letters only; the catalogue folds all of Unicode, so a
 * non-ASCII name differing in case only is missed here (none of the
 * built-in names has a non-ASCII letter).
 */
#include <string.h>

#include "po-export-private.h"

/* ---- the query ------------------------------------------------------------ */

struct _PoExportQuery {
  PoCatalogue *catalogue;
  PoPolicy *policy;
  PoExportPlatform platform;
  gchar *part; /* NULL: the main query */
  gchar *findings_sql;
  gchar *policy_sql;
  GPtrArray *tables;       /* gchar*, NULL-terminated */
  GPtrArray *products;     /* gchar*, NULL-terminated */
  GPtrArray *remediations; /* gchar*, "Name: text", NULL-terminated */
  guint n_indicators;
  guint n_unconfirmed;
  gboolean vendor_wide;
  GString *notes;
  gboolean detailed; /* one arm per indicator, for the extension's tables */
  GArray *arms;      /* PoExportArm, detailed only: the arm numbers */
};

typedef PoExportOwner Owner;

typedef struct {
  PoExportQuery *query;
  GHashTable *compiled;    /* const PoIndicator* set */
  GArray *owners;          /* Owner, products first */
  gboolean confirmed_only; /* leave weak indicators out (the pass/fail query) */
} Build;

static gboolean
is_weak (const PoIndicator *indicator)
{
  return g_strcmp0 (po_indicator_get_confidence (indicator), "weak") == 0;
}

static gboolean
on_platform (const PoIndicator *indicator, PoExportPlatform platform)
{
  return g_strcmp0 (po_indicator_kind_get_platform (po_indicator_get_kind (indicator)),
                    po_export_platform_get_catalogue_name (platform))
         == 0;
}

static GPtrArray *
owner_indicators (const Owner *owner)
{
  return owner->product != NULL ? po_product_get_indicators (owner->product)
                                : po_vendor_get_indicators (owner->vendor);
}

static gchar *
owner_label (const Owner *owner)
{
  if (owner->product == NULL)
    return g_strdup_printf ("%s (vendor-wide)", po_vendor_get_id (owner->vendor));
  return g_strdup_printf ("%s/%s (%s)", po_vendor_get_id (owner->vendor),
                          po_product_get_id (owner->product),
                          po_product_get_category (owner->product));
}


/* the comparison over every key of a rule: (k1 ... OR k2 ...) */
static void
append_rule_comparison (GString *out, PoIndicatorKind kind, const PoIndicatorExport *rule,
                        GPtrArray *patterns, gboolean glob)
{
  PoTextRule key_rule = po_indicator_kind_get_info (kind)->rule;
  guint n_keys = rule->keys[1] != NULL ? 2 : 1;

  if (n_keys > 1)
    g_string_append_c (out, '(');
  for (guint k = 0; k < n_keys; k++)
    {
      g_autofree gchar *key = g_strdup_printf ("b.%s", rule->keys[k]);
      if (k > 0)
        g_string_append (out, " OR ");
      po_export_append_comparison (out, key, key_rule, patterns, glob);
    }
  if (n_keys > 1)
    g_string_append_c (out, ')');
}


static void
add_table (PoExportQuery *query, const gchar *table)
{
  for (guint i = 0; i + 1 < query->tables->len; i++)
    if (g_str_equal (g_ptr_array_index (query->tables, i), table))
      return;
  g_ptr_array_insert (query->tables, (gint) query->tables->len - 1, g_strdup (table));
}

/* one WHEN arm, whose value is then (SQL) */
static void
append_arm (GString *cases, PoIndicatorKind kind, const PoIndicatorExport *rule,
            GPtrArray *patterns, gboolean glob, const gchar *gate, const gchar *then)
{
  g_string_append (cases, "      WHEN ");
  append_rule_comparison (cases, kind, rule, patterns, glob);
  if (rule->guard != NULL)
    g_string_append_printf (cases, "\n           AND %s", rule->guard);
  if (gate != NULL)
    g_string_append_printf (cases, "\n           AND %s", gate);
  g_string_append_printf (cases, "\n        THEN %s\n", then);
}

/* the label of an arm in the plain form: which indicator matched; weak:
 * it says the finding is unconfirmed */
static gchar *
arm_label (PoIndicatorKind kind, const Owner *owner, GPtrArray *patterns, gboolean glob,
           gboolean weak)
{
  g_autofree gchar *label = owner_label (owner);
  g_autofree gchar *text = glob ? g_strdup_printf ("%s: %s %s%s", label,
                                                   po_indicator_kind_to_string (kind),
                                                   (const gchar *) g_ptr_array_index (patterns, 0),
                                                   weak ? " [weak]" : "")
                                : g_strdup_printf ("%s: %s%s", label,
                                                   po_indicator_kind_to_string (kind),
                                                   weak ? " [weak]" : "");
  return po_export_sql_literal (text);
}

/*
 * The detailed form's value of an arm of exact names: the number of the
 * indicator whose name the key has.  The arm's comparison stays one IN
 * list, so each key is computed once per arm, however many names:
 * coalesce(CASE b.k1 WHEN 'kesl' THEN 0 WHEN 'kesl-gui' THEN 1 END, ...).
 */
static gchar *
exact_arm_numbers (PoExportQuery *query, PoIndicatorKind kind, const PoIndicatorExport *rule,
                   const Owner *owner, GPtrArray *indicators)
{
  PoTextRule key_rule = po_indicator_kind_get_info (kind)->rule;
  guint n_keys = rule->keys[1] != NULL ? 2 : 1;
  g_autoptr (GArray) numbers = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GString) out = g_string_new (n_keys > 1 ? "coalesce(" : "");

  for (guint i = 0; i < indicators->len; i++)
    {
      guint number = po_export_add_arm (query->arms, owner, g_ptr_array_index (indicators, i));
      g_array_append_val (numbers, number);
    }
  for (guint k = 0; k < n_keys; k++)
    {
      g_string_append_printf (out, "%sCASE b.%s", k > 0 ? ", " : "", rule->keys[k]);
      for (guint i = 0; i < indicators->len; i++)
        {
          g_autofree gchar *normal = po_text_normalise (po_indicator_get_pattern (
                                                          g_ptr_array_index (indicators, i)),
                                                        key_rule, PO_TEXT_ASCII);
          g_autofree gchar *literal = po_export_sql_literal (normal);
          g_string_append_printf (out, " WHEN %s THEN %u", literal,
                                  g_array_index (numbers, guint, i));
        }
      g_string_append (out, " END");
    }
  if (n_keys > 1)
    g_string_append_c (out, ')');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/*
 * The arms of one kind's export rule for one owner; returns how many.
 * Confirmed indicators (verified, corroborated) come first, so a row that
 * both kinds match is reported under a confirmed one; weak ones follow,
 * or are left out of the pass/fail query.
 */
static guint
append_rule_arms (Build *build, GString *cases, PoIndicatorKind kind, const PoIndicatorExport *rule,
                  const Owner *owner, const gchar *gate)
{
  PoExportQuery *query = build->query;
  GPtrArray *indicators = owner_indicators (owner);
  guint n_arms = 0;

  for (guint pass = 0; pass < 2; pass++)
    {
      gboolean weak = pass == 1;
      g_autoptr (GPtrArray) exact = g_ptr_array_new ();
      g_autoptr (GPtrArray) exact_indicators = g_ptr_array_new ();
      g_autoptr (GPtrArray) globs = g_ptr_array_new ();
      g_autoptr (GPtrArray) glob_indicators = g_ptr_array_new ();

      if (weak && build->confirmed_only)
        break;
      for (guint i = 0; i < indicators->len; i++)
        {
          const PoIndicator *indicator = g_ptr_array_index (indicators, i);
          gboolean is_glob = po_indicator_is_glob (indicator);

          if (po_indicator_get_kind (indicator) != kind || is_weak (indicator) != weak)
            continue;
          g_hash_table_add (build->compiled, (gpointer) indicator);
          g_ptr_array_add (is_glob ? globs : exact,
                           (gpointer) po_indicator_get_pattern (indicator));
          g_ptr_array_add (is_glob ? glob_indicators : exact_indicators, (gpointer) indicator);
        }
      /* the exact names in one arm, then each glob in its own */
      if (exact->len > 0)
        {
          g_autofree gchar *then = query->detailed ? exact_arm_numbers (query, kind, rule, owner,
                                                                        exact_indicators)
                                                   : arm_label (kind, owner, exact, FALSE, weak);
          append_arm (cases, kind, rule, exact, FALSE, gate, then);
          n_arms++;
        }
      for (guint g = 0; g < globs->len; g++)
        {
          g_autoptr (GPtrArray) one = g_ptr_array_new ();
          g_autofree gchar *then = NULL;

          g_ptr_array_add (one, g_ptr_array_index (globs, g));
          then = query->detailed
                   ? g_strdup_printf ("%u",
                                      po_export_add_arm (query->arms, owner,
                                                         g_ptr_array_index (glob_indicators, g)))
                   : arm_label (kind, owner, one, TRUE, weak);
          append_arm (cases, kind, rule, one, TRUE, gate, then);
          n_arms++;
        }
    }
  return n_arms;
}

/*
 * The arms of one site for one owner; returns how many.  They follow the
 * site's keys: for each key, the export rules (of every kind, in kind
 * order) that compare it first.
 */
static guint
append_owner_arms (Build *build, GString *cases, PoOsquerySite site_id, const Owner *owner)
{
  const PoOsquerySiteInfo *site = po_osquery_site_get_info (site_id);
  PoIndicatorKind identity;
  g_autofree gchar *gate = po_export_gate_sql (site, owner->vendor, &identity);
  guint n_arms = 0;

  for (guint k = 0; k < G_N_ELEMENTS (site->keys) && site->keys[k].alias != NULL; k++)
    for (guint kind = 0; kind < PO_INDICATOR_KIND_N; kind++)
      {
        const PoIndicatorKindInfo *info = po_indicator_kind_get_info (kind);

        for (guint e = 0; e < G_N_ELEMENTS (info->exports) && info->exports[e].keys[0] != NULL; e++)
          {
            const PoIndicatorExport *rule = &info->exports[e];
            if (rule->site == site_id && g_str_equal (rule->keys[0], site->keys[k].alias))
              n_arms += append_rule_arms (build, cases, kind, rule, owner,
                                          kind == identity ? NULL : gate);
          }
      }
  return n_arms;
}

/* one site's SELECT, appended to findings; FALSE when it has no arms */
static gboolean
append_site (Build *build, GString *findings, PoOsquerySite site_id)
{
  const PoOsquerySiteInfo *site = po_osquery_site_get_info (site_id);
  g_autoptr (GString) cases = g_string_new (NULL);
  guint n_arms = 0;

  if (g_strcmp0 (site->part, build->query->part) != 0)
    return FALSE;
  for (guint o = 0; o < build->owners->len; o++)
    n_arms += append_owner_arms (build, cases, site_id, &g_array_index (build->owners, Owner, o));
  if (n_arms == 0)
    return FALSE;

  if (findings->len > 0)
    g_string_append (findings, "\nUNION ALL\n");
  if (build->query->detailed)
    {
      /* banned_software's columns: its source names, the pid, the arm */
      const gchar *finding_source, *pid;
      g_autofree gchar *source = NULL;

      po_export_site_source (site, &finding_source, &pid);
      source = po_export_sql_literal (finding_source);
      g_string_append_printf (findings,
                              "SELECT %s AS source, t.name AS name, t.version AS version, "
                              "t.path AS path, t.pid AS pid,\n"
                              "       %s AS signer, t.detail AS detail, t.matched AS arm\n"
                              "FROM (\n"
                              "  SELECT b.name AS name, b.version AS version, b.path AS path, "
                              "b.pid AS pid, b.signer AS signer,\n"
                              "    b.detail AS detail,\n"
                              "    CASE\n"
                              "%s"
                              "    END AS matched\n"
                              "  FROM (\n"
                              "    SELECT %s, %s AS pid",
                              source, site->late_signer != NULL ? site->late_signer : "t.signer",
                              cases->str, site->columns, pid);
    }
  else
    {
      g_autofree gchar *source = po_export_sql_literal (site->table);
      g_string_append_printf (findings,
                              "SELECT %s AS source, t.name AS name, t.version AS version, "
                              "t.path AS path,\n"
                              "       %s AS signer, t.detail AS detail, t.matched AS matched\n"
                              "FROM (\n"
                              "  SELECT b.name AS name, b.version AS version, b.path AS path, "
                              "b.signer AS signer,\n"
                              "    b.detail AS detail,\n"
                              "    CASE\n"
                              "%s"
                              "    END AS matched\n"
                              "  FROM (\n"
                              "    SELECT %s",
                              source, site->late_signer != NULL ? site->late_signer : "t.signer",
                              cases->str, site->columns);
    }
  for (guint k = 0; k < G_N_ELEMENTS (site->keys) && site->keys[k].alias != NULL; k++)
    {
      g_autofree gchar *key = po_export_key_sql (site->keys[k].rule, site->keys[k].expr);
      g_string_append_printf (findings, ",\n      %s AS %s", key, site->keys[k].alias);
    }
  g_string_append_printf (findings, "\n    FROM %s", site->from != NULL ? site->from : site->table);
  if (site->where != NULL)
    g_string_append_printf (findings, "\n    WHERE %s", site->where);
  g_string_append (findings, "\n  ) AS b\n) AS t\nWHERE t.matched IS NOT NULL");

  add_table (build->query, site->table);
  if (site->late_table != NULL)
    add_table (build->query, site->late_table);
  return TRUE;
}

/*
 * Whether an indicator of kind belongs to the query of part (NULL: the
 * main one): a kind the export reads from sites of that part, or for the
 * main query, also a kind it does not read at all (noted as such).
 */
static gboolean
kind_in_part (PoIndicatorKind kind, const gchar *part)
{
  const PoIndicatorKindInfo *info = po_indicator_kind_get_info (kind);
  gboolean exported = FALSE;

  for (guint e = 0; e < G_N_ELEMENTS (info->exports) && info->exports[e].keys[0] != NULL; e++)
    {
      exported = TRUE;
      if (g_strcmp0 (po_osquery_site_get_info (info->exports[e].site)->part, part) == 0)
        return TRUE;
    }
  return !exported && part == NULL;
}

/* "TikTok: <how to remove it on this platform>", once per text; a vendor's
 * text stands for its products without one and for its vendor-wide finds */
static void
add_remediation (PoExportQuery *query, PoVendor *vendor, PoProduct *product)
{
  const gchar *platform = po_export_platform_get_catalogue_name (query->platform);
  const gchar *text = po_remediation_for (vendor, product, platform);
  g_autofree gchar *line = NULL;

  if (text == NULL)
    return;
  line = g_strdup_printf ("%s: %s",
                          product != NULL ? po_product_get_name (product)
                                          : po_vendor_get_name (vendor),
                          text);
  for (guint i = 0; i + 1 < query->remediations->len; i++)
    if (g_str_has_suffix (g_ptr_array_index (query->remediations, i), text))
      return;
  g_ptr_array_insert (query->remediations, (gint) query->remediations->len - 1,
                      g_steal_pointer (&line));
}

/* the owners the policy covers: every covered product of every vendor
 * (in catalogue order), then the vendors themselves where the policy
 * covers their vendor-wide indicators ("all" policies naming them whole) */
static void
collect_owners (Build *build)
{
  PoExportQuery *query = build->query;
  const gchar *const *vendor_ids = po_policy_get_vendor_ids (query->policy);
  g_autoptr (GHashTable) seen_products = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint v = 0; vendor_ids[v] != NULL; v++)
    {
      PoVendor *vendor = po_catalogue_lookup_vendor (query->catalogue, vendor_ids[v]);
      GPtrArray *products;

      if (vendor == NULL)
        continue;
      products = po_vendor_get_products (vendor);
      for (guint p = 0; p < products->len; p++)
        {
          PoProduct *product = g_ptr_array_index (products, p);
          GPtrArray *indicators = po_product_get_indicators (product);
          gboolean here = FALSE;
          Owner owner = { vendor, product };

          if (!po_policy_covers (query->policy, vendor_ids[v], po_product_get_id (product),
                                 po_product_get_category (product)))
            continue;
          g_array_append_val (build->owners, owner);
          for (guint i = 0; i < indicators->len && !here; i++)
            {
              const PoIndicator *indicator = g_ptr_array_index (indicators, i);
              here = on_platform (indicator, query->platform)
                     && kind_in_part (po_indicator_get_kind (indicator), query->part);
            }
          if (here && g_hash_table_add (seen_products, (gpointer) po_product_get_name (product)))
            {
              g_ptr_array_insert (query->products, (gint) query->products->len - 1,
                                  g_strdup (po_product_get_name (product)));
              add_remediation (query, vendor, product);
            }
        }
    }
  for (guint v = 0; vendor_ids[v] != NULL; v++)
    {
      PoVendor *vendor = po_catalogue_lookup_vendor (query->catalogue, vendor_ids[v]);
      Owner owner = { vendor, NULL };

      if (vendor == NULL || !po_policy_covers (query->policy, vendor_ids[v], NULL, NULL))
        continue;
      g_array_append_val (build->owners, owner);
      query->vendor_wide = TRUE;
      add_remediation (query, vendor, NULL);
    }
}

/* a line for every covered indicator of the platform the SQL does not look
 * for at all (said once, with the main query) */
static void
note_skipped (Build *build)
{
  PoExportQuery *query = build->query;

  if (query->part != NULL)
    return;
  for (guint o = 0; o < build->owners->len; o++)
    {
      const Owner *owner = &g_array_index (build->owners, Owner, o);
      GPtrArray *indicators = owner_indicators (owner);
      g_autofree gchar *label = owner_label (owner);

      for (guint i = 0; i < indicators->len; i++)
        {
          const PoIndicator *indicator = g_ptr_array_index (indicators, i);
          PoIndicatorKind kind = po_indicator_get_kind (indicator);

          if (!on_platform (indicator, query->platform)
              || g_hash_table_contains (build->compiled, indicator)
              || po_indicator_kind_get_info (kind)->not_exported == NULL)
            continue;
          g_string_append_printf (query->notes, "%s on %s: %s: %s %s not looked for: %s\n",
                                  po_policy_get_id (query->policy),
                                  po_export_platform_to_string (query->platform), label,
                                  po_indicator_kind_to_string (kind),
                                  po_indicator_get_pattern (indicator),
                                  po_indicator_kind_get_info (kind)->not_exported);
        }
    }
}

static gchar *
indent_lines (const gchar *text, const gchar *indent)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr (GString) out = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    g_string_append_printf (out, "%s%s%s", i > 0 ? "\n" : "", lines[i][0] != '\0' ? indent : "",
                            lines[i]);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* the findings SQL of the query's sites and owners, "" when nothing; the
 * indicators compiled go to build->compiled */
static void
append_sites (Build *build, GString *findings)
{
  const gchar *platform = po_export_platform_get_catalogue_name (build->query->platform);

  for (guint s = 0; s < PO_OSQUERY_SITE_N; s++)
    if (g_str_equal (po_osquery_site_get_info (s)->platform, platform))
      append_site (build, findings, s);
}

/*
 * A query of policy on platform: the main query (part NULL) or one part of
 * it that needs a newer osquery; detailed: the form of the extension's
 * tables in SQL (po-export-status.c), whose arms are numbers
 */
static PoExportQuery *
query_new (PoCatalogue *catalogue, PoPolicy *policy, PoExportPlatform platform, const gchar *part,
           gboolean detailed)
{
  PoExportQuery *query;
  g_autoptr (GString) findings = g_string_new (NULL);
  g_autoptr (GString) confirmed = g_string_new (NULL);
  g_autoptr (GHashTable) compiled = g_hash_table_new (NULL, NULL);
  g_autoptr (GHashTable) compiled_confirmed = g_hash_table_new (NULL, NULL);
  g_autoptr (GArray) owners = g_array_new (FALSE, FALSE, sizeof (Owner));
  Build build;
  Build pass_fail;

  g_return_val_if_fail (catalogue != NULL, NULL);
  g_return_val_if_fail (policy != NULL, NULL);
  g_return_val_if_fail (platform < PO_EXPORT_PLATFORM_N, NULL);

  query = g_new0 (PoExportQuery, 1);
  query->catalogue = po_catalogue_ref (catalogue);
  query->policy = po_policy_ref (policy);
  query->platform = platform;
  query->part = g_strdup (part);
  query->tables = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (query->tables, NULL);
  query->products = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (query->products, NULL);
  query->remediations = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (query->remediations, NULL);
  query->notes = g_string_new (NULL);
  query->detailed = detailed;
  query->arms = g_array_new (FALSE, FALSE, sizeof (PoExportArm));

  build = (Build){ query, compiled, owners, FALSE };
  collect_owners (&build);
  append_sites (&build, findings);
  /* the extension probes its path indicators beneath the root; the
   * detailed form does the same through osquery's file table */
  if (detailed && platform == PO_EXPORT_PLATFORM_LINUX && part == NULL
      && po_export_append_path_probes (findings, owners, query->arms, compiled))
    add_table (query, "file");
  query->n_indicators = g_hash_table_size (compiled);
  note_skipped (&build);

  /* the pass/fail query without the weak indicators: nothing unconfirmed
   * fails a host (it reads some of the tables the full build listed) */
  pass_fail = (Build){ query, compiled_confirmed, owners, TRUE };
  /* the detailed form has no pass/fail query: a second build would number
   * its arms again */
  if (!detailed)
    {
      append_sites (&pass_fail, confirmed);
      query->n_unconfirmed = query->n_indicators - g_hash_table_size (compiled_confirmed);
    }

  if (findings->len > 0)
    query->findings_sql = g_strdup (findings->str);
  if (confirmed->len > 0)
    {
      g_autofree gchar *indented = indent_lines (confirmed->str, "  ");
      query->policy_sql = g_strdup_printf ("SELECT 1 WHERE NOT EXISTS (\n%s\n)", indented);
    }
  return query;
}

PoExportQuery *
po_export_query_new (PoCatalogue *catalogue, PoPolicy *policy, PoExportPlatform platform)
{
  return query_new (catalogue, policy, platform, NULL, FALSE);
}

PoExportQuery *
po_export_query_new_part (PoCatalogue *catalogue, PoPolicy *policy, PoExportPlatform platform,
                          const gchar *part)
{
  return query_new (catalogue, policy, platform, part, FALSE);
}

PoExportQuery *
po_export_query_new_detailed (PoCatalogue *catalogue, PoPolicy *policy, PoExportPlatform platform)
{
  return query_new (catalogue, policy, platform, NULL, TRUE);
}

const PoExportArm *
po_export_query_get_arms (PoExportQuery *query, guint *ret_n_arms)
{
  *ret_n_arms = query->arms->len;
  return (const PoExportArm *) (gpointer) query->arms->data;
}

const gchar *const *
po_export_platform_get_parts (PoExportPlatform platform)
{
  static const gchar *parts[PO_EXPORT_PLATFORM_N][PO_OSQUERY_SITE_N + 1];
  static gsize initialised = 0;

  g_return_val_if_fail (platform < PO_EXPORT_PLATFORM_N, NULL);
  if (g_once_init_enter (&initialised))
    {
      for (guint p = 0; p < PO_EXPORT_PLATFORM_N; p++)
        {
          guint n = 0;
          for (guint s = 0; s < PO_OSQUERY_SITE_N; s++)
            {
              const PoOsquerySiteInfo *site = po_osquery_site_get_info (s);
              gboolean seen = FALSE;

              if (site->part == NULL
                  || !g_str_equal (site->platform,
                                   po_export_platform_get_catalogue_name ((PoExportPlatform) p)))
                continue;
              for (guint i = 0; i < n && !seen; i++)
                seen = g_str_equal (parts[p][i], site->part);
              if (!seen)
                parts[p][n++] = site->part;
            }
          parts[p][n] = NULL;
        }
      g_once_init_leave (&initialised, 1);
    }
  return parts[platform];
}

const gchar *
po_export_part_get_osquery_version (const gchar *part)
{
  for (guint s = 0; s < PO_OSQUERY_SITE_N; s++)
    if (g_strcmp0 (po_osquery_site_get_info (s)->part, part) == 0 && part != NULL)
      return po_osquery_site_get_info (s)->osquery_version;
  return NULL;
}

void
po_export_query_free (PoExportQuery *query)
{
  if (query == NULL)
    return;
  po_catalogue_unref (query->catalogue);
  po_policy_unref (query->policy);
  g_free (query->part);
  g_free (query->findings_sql);
  g_free (query->policy_sql);
  g_ptr_array_unref (query->tables);
  g_ptr_array_unref (query->products);
  g_ptr_array_unref (query->remediations);
  g_string_free (query->notes, TRUE);
  g_array_unref (query->arms);
  g_free (query);
}

PoPolicy *
po_export_query_get_policy (PoExportQuery *query)
{
  return query->policy;
}

PoExportPlatform
po_export_query_get_platform (PoExportQuery *query)
{
  return query->platform;
}

const gchar *
po_export_query_get_findings_sql (PoExportQuery *query)
{
  return query->findings_sql;
}

const gchar *
po_export_query_get_policy_sql (PoExportQuery *query)
{
  return query->policy_sql;
}

const gchar *const *
po_export_query_get_tables (PoExportQuery *query)
{
  return (const gchar *const *) query->tables->pdata;
}

guint
po_export_query_get_n_indicators (PoExportQuery *query)
{
  return query->n_indicators;
}

const gchar *const *
po_export_query_get_products (PoExportQuery *query)
{
  return (const gchar *const *) query->products->pdata;
}

gboolean
po_export_query_get_vendor_wide (PoExportQuery *query)
{
  return query->vendor_wide;
}

const gchar *
po_export_query_get_notes (PoExportQuery *query)
{
  return query->notes->str;
}

const gchar *const *
po_export_query_get_remediations (PoExportQuery *query)
{
  return (const gchar *const *) query->remediations->pdata;
}

const gchar *
po_export_query_get_part (PoExportQuery *query)
{
  return query->part;
}

guint
po_export_query_get_n_unconfirmed (PoExportQuery *query)
{
  return query->n_unconfirmed;
}
