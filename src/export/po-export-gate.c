/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Look-alikes: where the table carries the vendor's identity, a match on
 * a name must also carry the identity, so a program merely called
 * "Kaspersky ..." by another publisher is not a finding:
 *   programs           publisher matches the vendor's windows.publisher
 *   registry (uninstall keys)  the key's Publisher value matches it likewise
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
 */
#include "po-export-private.h"

/* "(c1 OR c2 ...)" of all of a vendor's indicators of kind against key (SQL);
 * NULL when the vendor has none */
static gchar *
vendor_identity_sql (PoVendor *vendor, PoIndicatorKind kind, const gchar *key)
{
  g_autoptr (GPtrArray) exact = g_ptr_array_new ();
  g_autoptr (GPtrArray) globs = g_ptr_array_new ();
  g_autoptr (GString) out = g_string_new (NULL);
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
      po_export_append_comparison (out, key, po_indicator_kind_get_info (kind)->rule, exact, FALSE);
      n_terms++;
    }
  for (guint i = 0; i < globs->len; i++)
    {
      g_autoptr (GPtrArray) one = g_ptr_array_new ();
      g_ptr_array_add (one, g_ptr_array_index (globs, i));
      if (n_terms++ > 0)
        g_string_append (out, " OR ");
      po_export_append_comparison (out, key, po_indicator_kind_get_info (kind)->rule, one, TRUE);
    }
  g_string_append_c (out, ')');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

gchar *
po_export_gate_sql (const PoOsquerySiteInfo *site, PoVendor *vendor, PoIndicatorKind *ret_identity)
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
      case PO_OSQUERY_GATE_TEAM_SIGNATURE: {
        g_autofree gchar *key = po_export_key_sql (PO_TEXT_FOLD, "s.team_identifier");
        g_autofree gchar *teams = vendor_identity_sql (vendor, PO_INDICATOR_MACOS_TEAM_ID, key);
        if (teams == NULL)
          return NULL;
        return g_strdup_printf ("EXISTS (SELECT 1 FROM signature AS s WHERE s.path = b.path "
                                "AND %s)",
                                teams);
      }
      case PO_OSQUERY_GATE_REGISTRY_PUBLISHER: {
        g_autofree gchar *key = po_export_key_sql (PO_TEXT_FREE, "p.data");
        g_autofree gchar *publishers = vendor_identity_sql (vendor, PO_INDICATOR_WINDOWS_PUBLISHER,
                                                            key);
        if (publishers == NULL)
          return NULL;
        *ret_identity = PO_INDICATOR_WINDOWS_PUBLISHER;
        /* a path constraint of its own: osquery reads the one key it names */
        return g_strdup_printf ("EXISTS (SELECT 1 FROM registry AS p WHERE p.path = b.path || "
                                "'\\Publisher' AND %s)",
                                publishers);
      }
      case PO_OSQUERY_GATE_DRIVER_SIGNER: {
        g_autofree gchar *key = po_export_key_sql (PO_TEXT_FREE, "a.subject_name");
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
                                "OR sig.k LIKE 'microsoft windows%%'))",
                                key, signers);
      }
    }
  g_return_val_if_reached (NULL);
}
