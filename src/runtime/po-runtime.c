/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The runtime's fields (po-runtime.h).  The settings, the root, the
 * counters and the inventory are made with the runtime; the rest on first
 * use, each under the runtime's lock so that two concurrent queries get
 * the same one, and each by its own constructor, whose error the caller
 * sees.  The lock is held only while a field is made: what the field does
 * afterwards (loading a catalogue, reading the configuration) is behind
 * the field's own lock.
 */
#include "po-runtime.h"

struct _PoRuntime {
  gatomicrefcount ref_count;
  PoSettings *settings;
  PoRoot *root;
  PoCounters *counters;
  PoInventory *inventory;
  GMutex lock;                  /* making the fields below */
  PoCatalogueSource *catalogue; /* NULL until first used, as are the rest */
  PoProfileSource *profile;
  PoState *state;
  PoComplianceIndex *index; /* of the catalogue last asked for */
};

PoRuntime *
po_runtime_new (const PoSettings *settings, GError **error)
{
  g_autoptr (PoRoot) root = po_root_new (settings->root, error);
  g_autoptr (PoCounters) counters = NULL;
  g_autoptr (PoInventory) inventory = NULL;
  PoRuntime *runtime;

  if (root == NULL)
    return NULL;
  counters = po_counters_new ();
  inventory = po_inventory_new (root, counters, error);
  if (inventory == NULL)
    return NULL;
  runtime = g_new0 (PoRuntime, 1);
  g_atomic_ref_count_init (&runtime->ref_count);
  runtime->settings = po_settings_copy (settings);
  runtime->root = g_steal_pointer (&root);
  runtime->counters = g_steal_pointer (&counters);
  runtime->inventory = g_steal_pointer (&inventory);
  g_mutex_init (&runtime->lock);
  return runtime;
}

PoRuntime *
po_runtime_ref (PoRuntime *runtime)
{
  g_atomic_ref_count_inc (&runtime->ref_count);
  return runtime;
}

void
po_runtime_unref (PoRuntime *runtime)
{
  if (runtime == NULL || !g_atomic_ref_count_dec (&runtime->ref_count))
    return;
  g_clear_pointer (&runtime->index, po_compliance_index_unref);
  g_clear_pointer (&runtime->state, po_state_free);
  g_clear_pointer (&runtime->profile, po_profile_source_free);
  g_clear_pointer (&runtime->catalogue, po_catalogue_source_free);
  g_mutex_clear (&runtime->lock);
  po_inventory_unref (runtime->inventory);
  po_counters_unref (runtime->counters);
  po_root_unref (runtime->root);
  po_settings_free (runtime->settings);
  g_free (runtime);
}

const PoSettings *
po_runtime_get_settings (PoRuntime *runtime)
{
  return runtime->settings;
}

PoRoot *
po_runtime_get_root (PoRuntime *runtime)
{
  return runtime->root;
}

GDateTime *
po_runtime_now (PoRuntime *runtime)
{
  if (runtime->settings->now != NULL)
    return g_date_time_ref (runtime->settings->now);
  return g_date_time_new_now_utc ();
}

void
po_runtime_count (PoRuntime *runtime, const gchar *counter)
{
  po_counters_add (runtime->counters, counter);
}

guint64
po_runtime_get_count (PoRuntime *runtime, const gchar *counter)
{
  return po_counters_get (runtime->counters, counter);
}

PoInventory *
po_runtime_get_inventory (PoRuntime *runtime)
{
  return runtime->inventory;
}

static PoCatalogueSource *
get_catalogue_source (PoRuntime *runtime, GError **error)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&runtime->lock);

  if (runtime->catalogue == NULL)
    {
      g_autoptr (PoCatalogueOptions) options = po_catalogue_options_new_from_settings (
        runtime->settings);
      runtime->catalogue = po_catalogue_source_new (options, error);
    }
  return runtime->catalogue;
}

PoCatalogue *
po_runtime_get_catalogue (PoRuntime *runtime, GError **error)
{
  PoCatalogueSource *source;

  g_return_val_if_fail (runtime != NULL, NULL);
  source = get_catalogue_source (runtime, error);
  return source != NULL ? po_catalogue_source_get (source) : NULL;
}

static PoProfileSource *
get_profile_source (PoRuntime *runtime, GError **error)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&runtime->lock);

  if (runtime->profile == NULL)
    runtime->profile = po_profile_source_new (po_settings_get_config (runtime->settings),
                                              runtime->settings->config_given, error);
  return runtime->profile;
}

gboolean
po_runtime_get_profile (PoRuntime *runtime, PoProfile **ret_profile, GError **error)
{
  PoProfileSource *source;

  g_return_val_if_fail (runtime != NULL, FALSE);
  source = get_profile_source (runtime, error);
  return source != NULL && po_profile_source_get (source, ret_profile, error);
}

gchar *
po_runtime_get_profile_problem (PoRuntime *runtime)
{
  g_autoptr (GError) error = NULL;
  PoProfileSource *source;

  g_return_val_if_fail (runtime != NULL, NULL);
  source = get_profile_source (runtime, &error);
  if (source == NULL)
    return g_strdup (error->message);
  return po_profile_source_get_problem (source);
}

gboolean
po_runtime_set_profile_option (PoRuntime *runtime, const gchar *key, const gchar *value,
                               GError **error)
{
  PoProfileSource *source;

  g_return_val_if_fail (runtime != NULL, FALSE);
  source = get_profile_source (runtime, error);
  return source != NULL && po_profile_source_set_option (source, key, value, error);
}

PoState *
po_runtime_get_state (PoRuntime *runtime, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;

  g_return_val_if_fail (runtime != NULL, NULL);
  locker = g_mutex_locker_new (&runtime->lock);
  if (runtime->state == NULL)
    {
      gboolean is_default = FALSE;
      g_autofree gchar *path = po_settings_get_state_db (runtime->settings,
                                                         po_root_is_host (runtime->root),
                                                         &is_default);
      if (path == NULL)
        g_debug ("--root %s without --state-db: detection history is off", runtime->settings->root);
      runtime->state = po_state_new (path, is_default, error);
    }
  return runtime->state;
}

PoComplianceIndex *
po_runtime_get_compliance_index (PoRuntime *runtime, GError **error)
{
  g_autoptr (PoCatalogue) catalogue = po_runtime_get_catalogue (runtime, error);
  g_autoptr (GMutexLocker) locker = NULL;

  if (catalogue == NULL)
    return NULL;
  locker = g_mutex_locker_new (&runtime->lock);
  /* a reloaded catalogue is a new object; the index holds a reference to
   * its own, so the pointers cannot be confused */
  if (runtime->index == NULL || po_compliance_index_get_catalogue (runtime->index) != catalogue)
    {
      PoComplianceIndex *index = po_compliance_index_new (catalogue, error);
      if (index == NULL)
        return NULL;
      g_clear_pointer (&runtime->index, po_compliance_index_unref);
      runtime->index = index;
    }
  return po_compliance_index_ref (runtime->index);
}

gboolean
po_runtime_scan (PoRuntime *runtime, const PoScanFilter *filter, PoScan **ret_scan, GError **error)
{
  g_autoptr (PoComplianceIndex) index = po_runtime_get_compliance_index (runtime, error);
  g_autoptr (PoProfile) profile = NULL;
  g_autoptr (GDateTime) now = NULL;
  PoScanInputs inputs = { 0 };

  if (index == NULL || !po_runtime_get_profile (runtime, &profile, error))
    return FALSE;
  now = po_runtime_now (runtime);
  inputs.index = index;
  inputs.profile = profile;
  inputs.now = now;
  inputs.inventory = runtime->inventory;
  inputs.state = po_runtime_get_state (runtime, error);
  if (inputs.state == NULL)
    return FALSE;
  *ret_scan = po_compliance_scan (&inputs, filter);
  return TRUE;
}
