/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the detailed form of a findings query (po_export_query_new_detailed(),
 * for phaseout_status and banned_software in SQL) adds to the plain one:
 * the numbered arms, banned_software's source names, and on Linux the path
 * probes the extension makes (src/compliance/po-compliance-paths.c) done
 * through osquery's file table.
 */
#include <string.h>

#include "po-export-private.h"

guint
po_export_add_arm (GArray *arms, const PoExportOwner *owner, const PoIndicator *indicator)
{
  PoExportArm arm = { owner->vendor, owner->product, indicator };

  g_array_append_val (arms, arm);
  return arms->len - 1;
}

void
po_export_site_source (const PoOsquerySiteInfo *site, const gchar **ret_source,
                       const gchar **ret_pid)
{
  /* Linux: the extension's own source names, so both engines agree */
  static const struct {
    const gchar *platform, *table, *source;
  } names[] = {
    { "linux", "deb_packages", "deb" },
    { "linux", "rpm_packages", "rpm" },
    { "linux", "systemd_units", "systemd_unit" },
    { "linux", "processes", "process" },
    { "linux", "kernel_modules", "kernel_module" },
    { "windows", "programs", "program" },
    { "windows", "services", "service" },
    { "windows", "file", "driver" },
    { "windows", "processes", "process" },
    { "macos", "apps", "app" },
    { "macos", "system_extensions", "system_extension" },
    { "macos", "kernel_extensions", "kernel_extension" },
    { "macos", "launchd", "launchd" },
    { "macos", "processes", "process" },
  };

  *ret_source = site->table;
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (site->platform, names[i].platform)
        && g_str_equal (site->table, names[i].table))
      *ret_source = names[i].source;
  *ret_pid = g_str_equal (site->table, "processes") ? "pid" : "NULL";
}

/* ---- Linux path probes ---------------------------------------------------- */

/* DIR for a pattern DIR/STAR (a last "*" component, no other wildcard), as
 * the extension reads it: "DIR holds something" */
static gchar *
contents_directory (const gchar *pattern)
{
  gsize length = strlen (pattern);

  if (length < 3 || !g_str_has_suffix (pattern, "/*"))
    return NULL;
  if (strpbrk (pattern, "*?") != pattern + length - 1)
    return NULL;
  return g_strndup (pattern, length - 2);
}

/* a catalogue glob as the body of LIKE '...' for osquery's file table: osquery
 * expands '%' within one path component (it becomes a glob '*'), so every
 * wildcard becomes '%' and the exact pattern is checked again with GLOB */
static gchar *
glob_to_file_like (const gchar *glob)
{
  GString *out = g_string_new (NULL);

  for (const gchar *p = glob; *p != '\0'; p++)
    g_string_append_c (out, *p == '*' || *p == '?' ? '%' : *p);
  return g_string_free (out, FALSE);
}

/* one probe: a path_hit row (path, arm, owner, vendor, vendor_wide) */
static void
append_probe (GString *hits, const PoIndicator *indicator, guint arm, guint owner,
              const PoExportOwner *who)
{
  const gchar *pattern = po_indicator_get_pattern (indicator);
  g_autofree gchar *directory = contents_directory (pattern);
  g_autofree gchar *vendor = po_export_sql_literal (po_vendor_get_id (who->vendor));
  guint vendor_wide = who->product == NULL ? 1 : 0;

  if (hits->len > 0)
    g_string_append (hits, "\n      UNION ALL\n");
  if (directory != NULL)
    {
      g_autofree gchar *literal = po_export_sql_literal (directory);
      g_string_append_printf (hits,
                              "      SELECT %s, %u, %u, %s, %u WHERE EXISTS "
                              "(SELECT 1 FROM file AS f WHERE f.directory = %s)",
                              literal, arm, owner, vendor, vendor_wide, literal);
    }
  else if (!po_indicator_is_glob (indicator))
    {
      g_autofree gchar *literal = po_export_sql_literal (pattern);
      g_string_append_printf (hits,
                              "      SELECT %s, %u, %u, %s, %u WHERE EXISTS "
                              "(SELECT 1 FROM file AS f WHERE f.path = %s)",
                              literal, arm, owner, vendor, vendor_wide, literal);
    }
  else
    {
      g_autofree gchar *like = glob_to_file_like (pattern);
      g_autofree gchar *like_literal = po_export_sql_literal (like);
      g_autofree gchar *glob = po_export_glob_to_glob (pattern);
      g_autofree gchar *glob_literal = po_export_sql_literal (glob);
      g_string_append_printf (hits,
                              "      SELECT f.path, %u, %u, %s, %u FROM file AS f "
                              "WHERE f.path LIKE %s AND f.path GLOB %s",
                              arm, owner, vendor, vendor_wide, like_literal, glob_literal);
    }
}

gboolean
po_export_append_path_probes (GString *findings, GArray *owners, GArray *arms, GHashTable *compiled)
{
  g_autoptr (GString) hits = g_string_new (NULL);

  for (guint o = 0; o < owners->len; o++)
    {
      const PoExportOwner *owner = &g_array_index (owners, PoExportOwner, o);
      GPtrArray *indicators = owner->product != NULL ? po_product_get_indicators (owner->product)
                                                     : po_vendor_get_indicators (owner->vendor);

      /* an owner's exact paths before its globs: the extension keeps an
       * owner's best match of a path, exact before glob */
      for (guint pass = 0; pass < 2; pass++)
        for (guint i = 0; i < indicators->len; i++)
          {
            const PoIndicator *indicator = g_ptr_array_index (indicators, i);

            if (po_indicator_get_kind (indicator) != PO_INDICATOR_LINUX_PATH
                || po_indicator_is_glob (indicator) != (pass == 1))
              continue;
            g_hash_table_add (compiled, (gpointer) indicator);
            append_probe (hits, indicator, po_export_add_arm (arms, owner, indicator), o, owner);
          }
    }
  if (hits->len == 0)
    return FALSE;

  if (findings->len > 0)
    g_string_append (findings, "\nUNION ALL\n");
  /* one finding per path and owner, its best arm; a vendor-wide path is
   * left out when a product of the vendor has a path at or beneath it */
  g_string_append_printf (findings,
                          "SELECT 'path' AS source, h.path AS name, NULL AS version, "
                          "h.path AS path, NULL AS pid,\n"
                          "       NULL AS signer, NULL AS detail, h.arm AS arm\n"
                          "FROM (\n"
                          "  WITH path_hit (path, arm, owner, vendor, vendor_wide) AS (\n"
                          "%s\n"
                          "  )\n"
                          "  SELECT h.path AS path, h.arm AS arm FROM path_hit AS h\n"
                          "  WHERE NOT EXISTS (SELECT 1 FROM path_hit AS o WHERE o.path = h.path "
                          "AND o.owner = h.owner AND o.arm < h.arm)\n"
                          "    AND NOT (h.vendor_wide = 1 AND EXISTS (\n"
                          "      SELECT 1 FROM path_hit AS o WHERE o.vendor = h.vendor "
                          "AND o.vendor_wide = 0\n"
                          "        AND (o.path = h.path OR h.path = '/' "
                          "OR substr(o.path, 1, length(h.path) + 1) = h.path || '/')))\n"
                          ") AS h",
                          hits->str);
  return TRUE;
}
