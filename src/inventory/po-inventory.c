/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PoInventory: what every collector reads from and reports to.  The host
 * root, the counters tests read ("collector.<name>"), and the caches that
 * outlive one query (po-module-cache.c, po-rpm-failures.c), which are per
 * root because they are per inventory.  Built once per runtime.
 */
#include "po-inventory-private.h"

struct _PoInventory {
  gatomicrefcount ref_count;
  PoRoot *root;
  PoCounters *counters; /* the runtime's */
  PoModuleCache *module_cache;
  PoRpmFailures *rpm_failures;
};

PoInventory *
po_inventory_new (PoRoot *root, PoCounters *counters, GError **error)
{
  PoInventory *inventory;

  g_return_val_if_fail (root != NULL, NULL);
  g_return_val_if_fail (counters != NULL, NULL);

  inventory = g_new0 (PoInventory, 1);
  g_atomic_ref_count_init (&inventory->ref_count);
  inventory->root = po_root_ref (root);
  inventory->counters = po_counters_ref (counters);
  inventory->module_cache = po_module_cache_new ();
  inventory->rpm_failures = po_rpm_failures_new ();
  return inventory;
}

PoInventory *
po_inventory_ref (PoInventory *inventory)
{
  g_atomic_ref_count_inc (&inventory->ref_count);
  return inventory;
}

void
po_inventory_unref (PoInventory *inventory)
{
  if (inventory == NULL || !g_atomic_ref_count_dec (&inventory->ref_count))
    return;
  po_module_cache_free (inventory->module_cache);
  po_rpm_failures_free (inventory->rpm_failures);
  po_root_unref (inventory->root);
  po_counters_unref (inventory->counters);
  g_free (inventory);
}

PoRoot *
po_inventory_get_root (PoInventory *inventory)
{
  return inventory->root;
}

void
po_inventory_count (PoInventory *inventory, const gchar *counter)
{
  po_counters_add (inventory->counters, counter);
}

PoModuleCache *
po_module_cache_get (PoInventory *inventory)
{
  return inventory->module_cache;
}

PoRpmFailures *
po_rpm_failures_get (PoInventory *inventory)
{
  return inventory->rpm_failures;
}
