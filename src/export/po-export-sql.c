/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The compiler from the policy catalogue to osquery SQL over osquery's own
 * core tables (docs/export.md is the user's guide).
 *
 * A "site" below is one osquery table and what it can be asked: which
 * indicator kinds it matches, against which of its columns, normalised how.
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
 * Look-alikes: where the table carries the vendor's identity, a match on
 * a name must also carry the identity, so a program merely called
 * "Kaspersky ..." by another publisher is not a finding:
 *   programs           publisher matches the vendor's windows.publisher
 *   apps               the bundle's code signature has the vendor's Team ID
 *   system_extensions  its team column is the vendor's Team ID
 *   file (drivers)     no Authenticode signer other than the vendor's or
 *                      Microsoft's (Windows signs kernel drivers too)
 * The identity on its own (publisher, Team ID) is a vendor-wide indicator,
 * so it is a finding only for policies that cover every category.
 * Linux processes follow banned_software's rule, since any user can start
 * a program under any name: the executable (base name or path) counts when
 * the file table shows it owned by root and writable by no one else, the
 * process name alone only for a root process with no readable executable.
 * Where a table carries no identity (packages, services, Windows and macOS
 * processes, units, modules, launchd, kexts) the catalogue's name is the
 * whole evidence.
 *
 * Only core SQLite is used (lower, trim, replace, substr, rtrim, char,
 * LIKE ... ESCAPE, GLOB, EXISTS), so every osqueryd runs it.  lower() and
 * LIKE fold ASCII letters only; the catalogue folds all of Unicode, so a
 * non-ASCII name differing in case only is missed here (none of the
 * built-in names has a non-ASCII letter).
 */
#include <string.h>

#include "po-export.h"

/* ---- platforms ----------------------------------------------------------- */

static const struct {
  const gchar *name;
  const gchar *title;
  const gchar *catalogue;
} platforms[PO_EXPORT_PLATFORM_N] = {
  [PO_EXPORT_PLATFORM_LINUX] = { "linux", "Linux", "linux" },
  [PO_EXPORT_PLATFORM_WINDOWS] = { "windows", "Windows", "windows" },
  [PO_EXPORT_PLATFORM_DARWIN] = { "darwin", "macOS", "macos" },
};

const gchar *
po_export_platform_to_string (PoExportPlatform platform)
{
  g_return_val_if_fail (platform < PO_EXPORT_PLATFORM_N, NULL);
  return platforms[platform].name;
}

const gchar *
po_export_platform_get_title (PoExportPlatform platform)
{
  g_return_val_if_fail (platform < PO_EXPORT_PLATFORM_N, NULL);
  return platforms[platform].title;
}

const gchar *
po_export_platform_get_catalogue_name (PoExportPlatform platform)
{
  g_return_val_if_fail (platform < PO_EXPORT_PLATFORM_N, NULL);
  return platforms[platform].catalogue;
}

gboolean
po_export_platform_parse (const gchar *text, guint *ret_mask)
{
  if (text == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (text, "all") == 0)
    {
      *ret_mask = PO_EXPORT_PLATFORMS_ALL;
      return TRUE;
    }
  for (guint i = 0; i < PO_EXPORT_PLATFORM_N; i++)
    if (g_ascii_strcasecmp (text, platforms[i].name) == 0
        || g_ascii_strcasecmp (text, platforms[i].catalogue) == 0)
      {
        *ret_mask = 1u << i;
        return TRUE;
      }
  return FALSE;
}

/* ---- literals and patterns ----------------------------------------------- */

gchar *
po_export_sql_literal (const gchar *text)
{
  GString *out = g_string_new ("'");

  for (const gchar *p = text; *p != '\0'; p++)
    {
      if (*p == '\'')
        g_string_append_c (out, '\'');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '\'');
  return g_string_free (out, FALSE);
}

gchar *
po_export_glob_to_like (const gchar *glob)
{
  GString *out = g_string_new (NULL);

  for (const gchar *p = glob; *p != '\0'; p++)
    switch (*p)
      {
      case '*':
        g_string_append_c (out, '%');
        break;
      case '?':
        g_string_append_c (out, '_');
        break;
      case '%':
      case '_':
      case '\\':
        g_string_append_c (out, '\\');
        g_string_append_c (out, *p);
        break;
      default:
        g_string_append_c (out, *p);
      }
  return g_string_free (out, FALSE);
}

gchar *
po_export_glob_to_glob (const gchar *glob)
{
  GString *out = g_string_new (NULL);

  /* the format refuses '[' and ']' in globs; bracket '[' all the same, so
   * a literal one can never open a character class */
  for (const gchar *p = glob; *p != '\0'; p++)
    if (*p == '[')
      g_string_append (out, "[[]");
    else
      g_string_append_c (out, *p);
  return g_string_free (out, FALSE);
}

/* ---- how names compare ---------------------------------------------------- */

/* expr (a column or expression) normalised by rule, in SQL */
static gchar *
key_sql (PoTextRule rule, const gchar *expr)
{
  switch (rule)
    {
    case PO_TEXT_EXACT:
      return g_strdup (expr);
    case PO_TEXT_FOLD:
      return g_strdup_printf ("lower(%s)", expr);
    case PO_TEXT_FREE:
      {
        g_autoptr(GString) out = g_string_new (NULL);
        guint n_spaces;
        const gunichar *spaces = po_text_get_other_spaces (&n_spaces);

        /* every other white space character to a space (po_text_is_space());
         * then every run of spaces to one (each space becomes \1\2, the
         * \2\1 between two of them goes, the \1\2 left is one space),
         * trimmed, folded */
        for (guint i = 0; i < n_spaces; i++)
          g_string_append (out, "replace(");
        g_string_append (out, expr);
        for (guint i = 0; i < n_spaces; i++)
          g_string_append_printf (out, ", char(%u), ' ')", spaces[i]);
        return g_strdup_printf ("lower(trim(replace(replace(replace(%s, ' ', "
                                "char(1) || char(2)), char(2) || char(1), ''), "
                                "char(1) || char(2), ' ')))", out->str);
      }
    case PO_TEXT_WINPATH:
      return g_strdup_printf ("lower(replace(%s, '/', '\\'))", expr);
    case PO_TEXT_KMOD:
      return g_strdup_printf ("replace(%s, '-', '_')", expr);
    }
  g_return_val_if_reached (NULL);
}

/* a pattern as written, normalised by rule the way key_sql() treats values:
 * SQL's lower() folds ASCII letters only */
static gchar *
key_literal (PoTextRule rule, const gchar *pattern)
{
  return po_text_normalise (pattern, rule, PO_TEXT_ASCII);
}

/* ---- the query ------------------------------------------------------------ */

struct _PoExportQuery {
  PoCatalogue      *catalogue;
  PoPolicy         *policy;
  PoExportPlatform  platform;
  gchar            *findings_sql;
  gchar            *policy_sql;
  GPtrArray        *tables;     /* gchar*, NULL-terminated */
  GPtrArray        *products;   /* gchar*, NULL-terminated */
  guint             n_indicators;
  gboolean          vendor_wide;
  GString          *notes;
};

/* who an indicator speaks for: a product, or its vendor as a whole */
typedef struct {
  PoVendor  *vendor;
  PoProduct *product;  /* NULL: vendor-wide */
} Owner;

typedef struct {
  PoExportQuery *query;
  GHashTable    *compiled;  /* const PoIndicator* set */
  GArray        *owners;    /* Owner, products first */
} Build;

static gboolean
on_platform (const PoIndicator *indicator, PoExportPlatform platform)
{
  return g_strcmp0 (po_indicator_kind_get_platform (po_indicator_get_kind (indicator)),
                    platforms[platform].catalogue) == 0;
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

/* the length of the last line of out */
static gsize
line_length (GString *out)
{
  const gchar *newline = memrchr (out->str, '\n', out->len);
  return newline == NULL ? out->len : out->len - (gsize) (newline - out->str) - 1;
}

/*
 * One comparison of key (SQL) with patterns all exact (an = or IN list)
 * or one glob.  Literals are normalised by rule; an IN list wraps at 96
 * columns under its opening parenthesis.
 */
static void
append_comparison (GString *out, const gchar *key, PoTextRule rule, GPtrArray *patterns,
                   gboolean glob)
{
  if (glob)
    {
      g_autofree gchar *normal = key_literal (rule, g_ptr_array_index (patterns, 0));
      g_autofree gchar *body = po_text_rule_is_case_sensitive (rule) ? po_export_glob_to_glob (normal)
                                                            : po_export_glob_to_like (normal);
      g_autofree gchar *literal = po_export_sql_literal (body);

      if (po_text_rule_is_case_sensitive (rule))
        g_string_append_printf (out, "%s GLOB %s", key, literal);
      else
        g_string_append_printf (out, "%s LIKE %s ESCAPE '\\'", key, literal);
      return;
    }

  g_autoptr(GPtrArray) literals = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < patterns->len; i++)
    {
      gchar *normal = key_literal (rule, g_ptr_array_index (patterns, i));
      if (!g_hash_table_add (seen, normal))
        continue;
      g_ptr_array_add (literals, po_export_sql_literal (normal));
    }
  if (literals->len == 1)
    {
      g_string_append_printf (out, "%s = %s", key, (const gchar *) g_ptr_array_index (literals, 0));
      return;
    }
  g_string_append_printf (out, "%s IN (", key);
  /* wrap under the parenthesis, unless that is too far right to help */
  gsize column = line_length (out) <= 60 ? line_length (out) : 0;
  for (guint i = 0; i < literals->len; i++)
    {
      const gchar *literal = g_ptr_array_index (literals, i);
      if (i > 0)
        {
          g_string_append_c (out, ',');
          if (column > 0 && line_length (out) + 1 + strlen (literal) > 96)
            g_string_append_printf (out, "\n%*s", (int) column, "");
          else
            g_string_append_c (out, ' ');
        }
      g_string_append (out, literal);
    }
  g_string_append_c (out, ')');
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
      append_comparison (out, key, key_rule, patterns, glob);
    }
  if (n_keys > 1)
    g_string_append_c (out, ')');
}

/* "(c1 OR c2 ...)" of all of a vendor's indicators of kind against key (SQL);
 * NULL when the vendor has none */
static gchar *
vendor_identity_sql (PoVendor *vendor, PoIndicatorKind kind, const gchar *key)
{
  g_autoptr(GPtrArray) exact = g_ptr_array_new ();
  g_autoptr(GPtrArray) globs = g_ptr_array_new ();
  g_autoptr(GString) out = g_string_new (NULL);
  GPtrArray *products = po_vendor_get_products (vendor);
  guint n_terms = 0;

  for (gint p = -1; p < (gint) products->len; p++)
    {
      GPtrArray *indicators = p < 0 ? po_vendor_get_indicators (vendor)
                                    : po_product_get_indicators (g_ptr_array_index (products, p));
      for (guint i = 0; i < indicators->len; i++)
        {
          const PoIndicator *indicator = g_ptr_array_index (indicators, i);
          if (po_indicator_get_kind (indicator) != kind)
            continue;
          g_ptr_array_add (po_indicator_is_glob (indicator) ? globs : exact,
                           (gpointer) po_indicator_get_pattern (indicator));
        }
    }
  if (exact->len == 0 && globs->len == 0)
    return NULL;
  g_string_append_c (out, '(');
  if (exact->len > 0)
    {
      append_comparison (out, key, po_indicator_kind_get_info (kind)->rule, exact, FALSE);
      n_terms++;
    }
  for (guint i = 0; i < globs->len; i++)
    {
      g_autoptr(GPtrArray) one = g_ptr_array_new ();
      g_ptr_array_add (one, g_ptr_array_index (globs, i));
      if (n_terms++ > 0)
        g_string_append (out, " OR ");
      append_comparison (out, key, po_indicator_kind_get_info (kind)->rule, one, TRUE);
    }
  g_string_append_c (out, ')');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/*
 * The condition a vendor's name matches need on this site (see the
 * comment at the top), or NULL for none.  *ret_identity is the kind that
 * is the identity itself, whose own arms are not gated.
 */
static gchar *
gate_sql (const PoOsquerySiteInfo *site, PoVendor *vendor, PoIndicatorKind *ret_identity)
{
  *ret_identity = PO_INDICATOR_KIND_N;
  switch (site->gate)
    {
    case PO_OSQUERY_GATE_NONE:
      return NULL;
    case PO_OSQUERY_GATE_PUBLISHER:
      *ret_identity = PO_INDICATOR_WINDOWS_PUBLISHER;
      return vendor_identity_sql (vendor, PO_INDICATOR_WINDOWS_PUBLISHER, "b.k_publisher");
    case PO_OSQUERY_GATE_TEAM_COLUMN:
      *ret_identity = PO_INDICATOR_MACOS_TEAM_ID;
      return vendor_identity_sql (vendor, PO_INDICATOR_MACOS_TEAM_ID, "b.k_team");
    case PO_OSQUERY_GATE_TEAM_SIGNATURE:
      {
        g_autofree gchar *key = key_sql (PO_TEXT_FOLD, "s.team_identifier");
        g_autofree gchar *teams = vendor_identity_sql (vendor, PO_INDICATOR_MACOS_TEAM_ID, key);
        if (teams == NULL)
          return NULL;
        return g_strdup_printf ("EXISTS (SELECT 1 FROM signature AS s WHERE s.path = b.path "
                                "AND %s)", teams);
      }
    case PO_OSQUERY_GATE_DRIVER_SIGNER:
      {
        g_autofree gchar *key = key_sql (PO_TEXT_FREE, "a.subject_name");
        g_autofree gchar *signers = vendor_identity_sql (vendor, PO_INDICATOR_WINDOWS_SIGNER,
                                                         "sig.k");
        if (signers == NULL)
          return NULL;
        /* Microsoft signs drivers too (WHQL, attestation, early-launch
         * anti-malware), and authenticode reports one signer; a file
         * with no signature osquery can read (catalog-signed) is judged
         * by its name alone */
        return g_strdup_printf ("NOT EXISTS (SELECT 1 FROM (SELECT %s AS k FROM authenticode AS a "
                                "WHERE a.path = b.path) AS sig\n"
                                "             WHERE sig.k <> '' AND NOT (%s "
                                "OR sig.k LIKE 'microsoft windows%%'))", key, signers);
      }
    }
  g_return_val_if_reached (NULL);
}

static void
add_table (PoExportQuery *query, const gchar *table)
{
  for (guint i = 0; i + 1 < query->tables->len; i++)
    if (g_str_equal (g_ptr_array_index (query->tables, i), table))
      return;
  g_ptr_array_insert (query->tables, (gint) query->tables->len - 1, g_strdup (table));
}

/* one WHEN arm */
static void
append_arm (GString *cases, PoIndicatorKind kind, const PoIndicatorExport *rule,
            const Owner *owner, GPtrArray *patterns, gboolean glob, const gchar *gate)
{
  g_autofree gchar *label = owner_label (owner);
  g_autofree gchar *text = glob ? g_strdup_printf ("%s: %s %s", label,
                                                   po_indicator_kind_to_string (kind),
                                                   (const gchar *) g_ptr_array_index (patterns, 0))
                                : g_strdup_printf ("%s: %s", label,
                                                   po_indicator_kind_to_string (kind));
  g_autofree gchar *literal = po_export_sql_literal (text);

  g_string_append (cases, "      WHEN ");
  append_rule_comparison (cases, kind, rule, patterns, glob);
  if (rule->guard != NULL)
    g_string_append_printf (cases, "\n           AND %s", rule->guard);
  if (gate != NULL)
    g_string_append_printf (cases, "\n           AND %s", gate);
  g_string_append_printf (cases, "\n        THEN %s\n", literal);
}

/* the arms of one kind's export rule for one owner; returns how many */
static guint
append_rule_arms (Build *build, GString *cases, PoIndicatorKind kind,
                  const PoIndicatorExport *rule, const Owner *owner, const gchar *gate)
{
  GPtrArray *indicators = owner_indicators (owner);
  g_autoptr(GPtrArray) exact = g_ptr_array_new ();
  g_autoptr(GPtrArray) globs = g_ptr_array_new ();
  guint n_arms = 0;

  for (guint i = 0; i < indicators->len; i++)
    {
      const PoIndicator *indicator = g_ptr_array_index (indicators, i);

      if (po_indicator_get_kind (indicator) != kind)
        continue;
      g_hash_table_add (build->compiled, (gpointer) indicator);
      g_ptr_array_add (po_indicator_is_glob (indicator) ? globs : exact,
                       (gpointer) po_indicator_get_pattern (indicator));
    }
  /* the exact names in one arm, then each glob in its own */
  if (exact->len > 0)
    {
      append_arm (cases, kind, rule, owner, exact, FALSE, gate);
      n_arms++;
    }
  for (guint g = 0; g < globs->len; g++)
    {
      g_autoptr(GPtrArray) one = g_ptr_array_new ();
      g_ptr_array_add (one, g_ptr_array_index (globs, g));
      append_arm (cases, kind, rule, owner, one, TRUE, gate);
      n_arms++;
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
  g_autofree gchar *gate = gate_sql (site, owner->vendor, &identity);
  guint n_arms = 0;

  for (guint k = 0; k < G_N_ELEMENTS (site->keys) && site->keys[k].alias != NULL; k++)
    for (guint kind = 0; kind < PO_INDICATOR_KIND_N; kind++)
      {
        const PoIndicatorKindInfo *info = po_indicator_kind_get_info (kind);

        for (guint e = 0; e < G_N_ELEMENTS (info->exports) && info->exports[e].keys[0] != NULL;
             e++)
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
  g_autoptr(GString) cases = g_string_new (NULL);
  guint n_arms = 0;

  for (guint o = 0; o < build->owners->len; o++)
    n_arms += append_owner_arms (build, cases, site_id,
                                &g_array_index (build->owners, Owner, o));
  if (n_arms == 0)
    return FALSE;

  if (findings->len > 0)
    g_string_append (findings, "\nUNION ALL\n");
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
  for (guint k = 0; k < G_N_ELEMENTS (site->keys) && site->keys[k].alias != NULL; k++)
    {
      g_autofree gchar *key = key_sql (site->keys[k].rule, site->keys[k].expr);
      g_string_append_printf (findings, ",\n      %s AS %s", key, site->keys[k].alias);
    }
  g_string_append_printf (findings, "\n    FROM %s", site->table);
  if (site->where != NULL)
    g_string_append_printf (findings, "\n    WHERE %s", site->where);
  g_string_append (findings, "\n  ) AS b\n) AS t\nWHERE t.matched IS NOT NULL");

  add_table (build->query, site->table);
  if (site->late_table != NULL)
    add_table (build->query, site->late_table);
  return TRUE;
}

/* the owners the policy covers: every covered product of every vendor
 * (in catalogue order), then the vendors themselves for "all" policies */
static void
collect_owners (Build *build)
{
  PoExportQuery *query = build->query;
  const gchar *const *vendor_ids = po_policy_get_vendors (query->policy);
  g_autoptr(GHashTable) seen_products = g_hash_table_new (g_str_hash, g_str_equal);

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

          if (!po_policy_covers (query->policy, vendor_ids[v], po_product_get_category (product)))
            continue;
          g_array_append_val (build->owners, owner);
          for (guint i = 0; i < indicators->len && !here; i++)
            here = on_platform (g_ptr_array_index (indicators, i), query->platform);
          if (here && g_hash_table_add (seen_products, (gpointer) po_product_get_name (product)))
            g_ptr_array_insert (query->products, (gint) query->products->len - 1,
                                g_strdup (po_product_get_name (product)));
        }
    }
  for (guint v = 0; vendor_ids[v] != NULL; v++)
    {
      PoVendor *vendor = po_catalogue_lookup_vendor (query->catalogue, vendor_ids[v]);
      Owner owner = { vendor, NULL };

      if (vendor == NULL || !po_policy_covers (query->policy, vendor_ids[v], NULL))
        continue;
      g_array_append_val (build->owners, owner);
      query->vendor_wide = TRUE;
    }
}

/* a line for every covered indicator of the platform the SQL leaves out */
static void
note_skipped (Build *build)
{
  PoExportQuery *query = build->query;

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
              || g_hash_table_contains (build->compiled, indicator))
            continue;
          g_string_append_printf (query->notes, "%s on %s: %s: %s %s not looked for: %s\n",
                                  po_policy_get_id (query->policy),
                                  platforms[query->platform].name, label,
                                  po_indicator_kind_to_string (kind),
                                  po_indicator_get_pattern (indicator),
                                  po_indicator_kind_get_info (kind)->not_exported);
        }
    }
}

static gchar *
indent_lines (const gchar *text, const gchar *indent)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    g_string_append_printf (out, "%s%s%s", i > 0 ? "\n" : "", lines[i][0] != '\0' ? indent : "",
                            lines[i]);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

PoExportQuery *
po_export_query_new (PoCatalogue *catalogue, PoPolicy *policy, PoExportPlatform platform)
{
  PoExportQuery *query;
  g_autoptr(GString) findings = g_string_new (NULL);
  g_autoptr(GHashTable) compiled = g_hash_table_new (NULL, NULL);
  g_autoptr(GArray) owners = g_array_new (FALSE, FALSE, sizeof (Owner));
  Build build;

  g_return_val_if_fail (catalogue != NULL, NULL);
  g_return_val_if_fail (policy != NULL, NULL);
  g_return_val_if_fail (platform < PO_EXPORT_PLATFORM_N, NULL);

  query = g_new0 (PoExportQuery, 1);
  query->catalogue = po_catalogue_ref (catalogue);
  query->policy = po_policy_ref (policy);
  query->platform = platform;
  query->tables = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (query->tables, NULL);
  query->products = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (query->products, NULL);
  query->notes = g_string_new (NULL);

  build = (Build) { query, compiled, owners };
  collect_owners (&build);
  for (guint s = 0; s < PO_OSQUERY_SITE_N; s++)
    {
      if (g_str_equal (po_osquery_site_get_info (s)->platform, platforms[platform].catalogue))
        append_site (&build, findings, s);
    }
  query->n_indicators = g_hash_table_size (compiled);
  note_skipped (&build);

  if (findings->len > 0)
    {
      g_autofree gchar *indented = indent_lines (findings->str, "  ");
      query->findings_sql = g_strdup (findings->str);
      query->policy_sql = g_strdup_printf ("SELECT 1 WHERE NOT EXISTS (\n%s\n)", indented);
    }
  return query;
}

void
po_export_query_free (PoExportQuery *query)
{
  if (query == NULL)
    return;
  po_catalogue_unref (query->catalogue);
  po_policy_unref (query->policy);
  g_free (query->findings_sql);
  g_free (query->policy_sql);
  g_ptr_array_unref (query->tables);
  g_ptr_array_unref (query->products);
  g_string_free (query->notes, TRUE);
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
