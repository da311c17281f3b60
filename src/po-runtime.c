/* SPDX-License-Identifier: Apache-2.0 */
#include "po-runtime.h"

struct _PoRuntime {
  gint        ref_count;
  PoSettings *settings;
  PoRoot     *root;
  GMutex      counters_lock;
  GHashTable *counters;   /* gchar* -> guint64* */
  GMutex      components_lock;
  GHashTable *components; /* gchar* -> Component* */
};

typedef struct {
  gpointer       data;
  GDestroyNotify destroy;
} Component;

static void
component_free (Component *component)
{
  if (component->destroy != NULL && component->data != NULL)
    component->destroy (component->data);
  g_free (component);
}

PoRuntime *
po_runtime_new (const PoSettings *settings, GError **error)
{
  g_autoptr(PoRoot) root = po_root_new (settings->root, error);
  PoRuntime *runtime;

  if (root == NULL)
    return NULL;
  runtime = g_new0 (PoRuntime, 1);
  runtime->ref_count = 1;
  runtime->settings = po_settings_copy (settings);
  runtime->root = g_steal_pointer (&root);
  g_mutex_init (&runtime->counters_lock);
  runtime->counters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_mutex_init (&runtime->components_lock);
  runtime->components = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                               (GDestroyNotify) component_free);
  return runtime;
}

PoRuntime *
po_runtime_ref (PoRuntime *runtime)
{
  g_atomic_int_inc (&runtime->ref_count);
  return runtime;
}

void
po_runtime_unref (PoRuntime *runtime)
{
  if (runtime == NULL || !g_atomic_int_dec_and_test (&runtime->ref_count))
    return;
  /* components may still use the settings and root while they go */
  g_hash_table_unref (runtime->components);
  g_mutex_clear (&runtime->components_lock);
  po_settings_free (runtime->settings);
  po_root_unref (runtime->root);
  g_mutex_clear (&runtime->counters_lock);
  g_hash_table_unref (runtime->counters);
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
  guint64 *value;

  g_mutex_lock (&runtime->counters_lock);
  value = g_hash_table_lookup (runtime->counters, counter);
  if (value == NULL)
    {
      value = g_new0 (guint64, 1);
      g_hash_table_insert (runtime->counters, g_strdup (counter), value);
    }
  (*value)++;
  g_mutex_unlock (&runtime->counters_lock);
}

guint64
po_runtime_get_count (PoRuntime *runtime, const gchar *counter)
{
  guint64 *value;
  guint64 result;

  g_mutex_lock (&runtime->counters_lock);
  value = g_hash_table_lookup (runtime->counters, counter);
  result = value != NULL ? *value : 0;
  g_mutex_unlock (&runtime->counters_lock);
  return result;
}

gpointer
po_runtime_get_component (PoRuntime *runtime, const gchar *name, PoRuntimeComponentNew create,
                          GDestroyNotify destroy)
{
  Component *component;

  g_mutex_lock (&runtime->components_lock);
  component = g_hash_table_lookup (runtime->components, name);
  if (component == NULL)
    {
      component = g_new0 (Component, 1);
      component->data = create (runtime);
      component->destroy = destroy;
      g_hash_table_insert (runtime->components, g_strdup (name), component);
    }
  g_mutex_unlock (&runtime->components_lock);
  return component->data;
}
