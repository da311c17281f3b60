/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vendor_drivers: every kernel module the inventory sees (loaded and built
 * in), with the vendor it is attributed to and how
 * (po_compliance_attribute_module), and the applicable policies that cover
 * it.  No history: a module is a finding in banned_software when a policy
 * covers it; this table is the inventory view.
 *
 * A constraint name = '...' (or IN) skips the other modules; the kernel
 * module collector runs either way (it is one read of /proc/modules and
 * the modules.* indexes, with module file details cached per runtime).
 */
#include "po-compliance.h"
#include "po-runtime.h"
#include "po-schemas.h"
#include "po-table.h"

/* the applicable policies covering the module, comma-separated */
static gchar *
covering_policies (PoCatalogue *catalogue, PoProfile *profile, GDateTime *now,
                   const PoAttribution *attribution)
{
  g_autoptr (GString) ids = g_string_new (NULL);
  g_autoptr (GPtrArray) policies = NULL;

  if (attribution->vendor == NULL)
    return g_string_free (g_steal_pointer (&ids), FALSE);
  policies = po_compliance_get_covering_policies (catalogue, profile, now, attribution->vendor,
                                                  attribution->product);
  for (guint i = 0; i < policies->len; i++)
    g_string_append_printf (ids, "%s%s", i > 0 ? "," : "",
                            po_policy_get_id (g_ptr_array_index (policies, i)));
  return g_string_free (g_steal_pointer (&ids), FALSE);
}

gboolean
po_table_vendor_drivers_generate (PoRuntime *runtime, PoQueryContext *query, PoRows *rows,
                                  GError **error)
{
  g_autoptr (PoComplianceIndex) index = po_runtime_get_compliance_index (runtime, error);
  g_autoptr (PoProfile) profile = NULL;
  g_autoptr (GPtrArray) modules = NULL;
  g_autoptr (GDateTime) now = NULL;
  PoCatalogue *catalogue;

  if (index == NULL || !po_runtime_get_profile (runtime, &profile, error))
    return FALSE;
  catalogue = po_compliance_index_get_catalogue (index);
  now = po_runtime_now (runtime);
  modules = po_inventory_collect_kernel_modules (po_runtime_get_inventory (runtime), NULL);

  for (guint i = 0; i < modules->len; i++)
    {
      PoKernelModule *module = g_ptr_array_index (modules, i);
      g_auto (PoAttribution) attribution = { 0 };
      g_autofree gchar *policy_ids = NULL;
      gboolean info_known = module->path != NULL && module->info_error == NULL;

      if (!po_query_context_matches (query, COL_VENDOR_DRIVERS_NAME, module->name))
        continue;
      po_compliance_attribute_module (index, module, &attribution);
      policy_ids = covering_policies (catalogue, profile, now, &attribution);

      po_rows_add (rows);
      po_rows_set_text (rows, COL_VENDOR_DRIVERS_NAME, module->name);
      po_rows_set_bool (rows, COL_VENDOR_DRIVERS_LOADED, module->loaded);
      po_rows_set_bool (rows, COL_VENDOR_DRIVERS_BUILTIN, module->builtin);
      po_rows_set_text (rows, COL_VENDOR_DRIVERS_PATH, module->path);
      po_rows_set_uint (rows, COL_VENDOR_DRIVERS_SIZE, module->size);
      if (module->refcount >= 0)
        po_rows_set_int (rows, COL_VENDOR_DRIVERS_REFCOUNT, module->refcount);
      po_rows_set_text (rows, COL_VENDOR_DRIVERS_USED_BY, module->used_by);
      po_rows_set_text (rows, COL_VENDOR_DRIVERS_STATE, module->state);
      po_rows_set_text (rows, COL_VENDOR_DRIVERS_TAINT, module->taint);
      po_rows_set_text (rows, COL_VENDOR_DRIVERS_VERSION, module->version);
      po_rows_set_text (rows, COL_VENDOR_DRIVERS_SRCVERSION, module->srcversion);
      po_rows_set_text (rows, COL_VENDOR_DRIVERS_AUTHOR, module->author);
      po_rows_set_text (rows, COL_VENDOR_DRIVERS_DESCRIPTION, module->description);
      po_rows_set_text (rows, COL_VENDOR_DRIVERS_LICENSE, module->license);
      po_rows_set_text (rows, COL_VENDOR_DRIVERS_VERMAGIC, module->vermagic);
      po_rows_set_bool (rows, COL_VENDOR_DRIVERS_IN_TREE, module->in_tree);
      if (info_known)
        po_rows_set_bool (rows, COL_VENDOR_DRIVERS_SIGNED, module->is_signed);
      po_rows_set_text (rows, COL_VENDOR_DRIVERS_SIGNER, module->signer);
      po_rows_set_text (rows, COL_VENDOR_DRIVERS_SIG_KEY, module->sig_key);
      po_rows_set_text (rows, COL_VENDOR_DRIVERS_SIG_HASHALGO, module->sig_hashalgo);
      po_rows_set_text (rows, COL_VENDOR_DRIVERS_INFO_ERROR, module->info_error);
      po_rows_set_text (rows, COL_VENDOR_DRIVERS_VENDOR, attribution.vendor_name);
      if (attribution.vendor != NULL)
        po_rows_set_text (rows, COL_VENDOR_DRIVERS_VENDOR_ID,
                          po_vendor_get_id (attribution.vendor));
      po_rows_set_text (rows, COL_VENDOR_DRIVERS_ATTRIBUTION,
                        po_attribution_kind_to_string (attribution.kind));
      if (attribution.product != NULL)
        {
          po_rows_set_text (rows, COL_VENDOR_DRIVERS_PRODUCT,
                            po_product_get_id (attribution.product));
          po_rows_set_text (rows, COL_VENDOR_DRIVERS_CATEGORY,
                            po_product_get_category (attribution.product));
        }
      po_rows_set_text (rows, COL_VENDOR_DRIVERS_INDICATOR, attribution.indicator);
      po_rows_set_bool (rows, COL_VENDOR_DRIVERS_COVERED, *policy_ids != '\0');
      po_rows_set_text (rows, COL_VENDOR_DRIVERS_POLICY_IDS, policy_ids);
    }
  return TRUE;
}
