/* SPDX-License-Identifier: Apache-2.0 */
#include "po-settings.h"

#include <string.h>

#include "po-error.h"

PoSettings *
po_settings_new (void)
{
  PoSettings *settings = g_new0 (PoSettings, 1);

  settings->root = g_strdup ("/");
  settings->policy_dirs = g_ptr_array_new_with_free_func (g_free);
  settings->options = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return settings;
}

PoSettings *
po_settings_copy (const PoSettings *settings)
{
  PoSettings *copy = g_new0 (PoSettings, 1);
  GHashTableIter iter;
  gpointer key, value;

  copy->root = g_strdup (settings->root);
  copy->config = g_strdup (settings->config);
  copy->config_given = settings->config_given;
  copy->policy_dirs = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < settings->policy_dirs->len; i++)
    g_ptr_array_add (copy->policy_dirs, g_strdup (settings->policy_dirs->pdata[i]));
  copy->state_db = g_strdup (settings->state_db);
  copy->now = settings->now != NULL ? g_date_time_ref (settings->now) : NULL;
  copy->options = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_iter_init (&iter, settings->options);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (copy->options, g_strdup (key), g_strdup (value));
  return copy;
}

void
po_settings_free (PoSettings *settings)
{
  if (settings == NULL)
    return;
  g_free (settings->root);
  g_free (settings->config);
  g_ptr_array_unref (settings->policy_dirs);
  g_free (settings->state_db);
  g_clear_pointer (&settings->now, g_date_time_unref);
  g_hash_table_unref (settings->options);
  g_free (settings);
}

static gboolean
require_value (const gchar *name, const gchar *value, GError **error)
{
  if (value == NULL || *value == '\0')
    {
      g_set_error (error, PO_ERROR, PO_ERROR_INVALID_ARGUMENT, "--%s needs a value", name);
      return FALSE;
    }
  return TRUE;
}

/*
 * "2017-12-01", "2017-12-01T10:00:00Z" or with an offset; a bare date or a
 * time without zone is taken as UTC so a test means the same everywhere.
 * The instant is kept in UTC whatever offset it was written with, so that
 * nothing derived from it (a day, a time written out) depends on the offset.
 */
static GDateTime *
parse_now (const gchar *value)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autofree gchar *with_time = NULL;
  g_autoptr(GDateTime) parsed = NULL;

  if (strlen (value) == 10)
    {
      with_time = g_strconcat (value, "T00:00:00", NULL);
      value = with_time;
    }
  parsed = g_date_time_new_from_iso8601 (value, utc);
  return parsed != NULL ? g_date_time_to_utc (parsed) : NULL;
}

gboolean
po_settings_apply_flag (PoSettings *settings, const gchar *name, const gchar *value,
                        GError **error)
{
  while (*name == '-')
    name++;

  if (g_str_equal (name, "root"))
    {
      if (!require_value (name, value, error))
        return FALSE;
      g_free (settings->root);
      settings->root = g_strdup (value);
      return TRUE;
    }
  if (g_str_equal (name, "config"))
    {
      if (!require_value (name, value, error))
        return FALSE;
      g_free (settings->config);
      settings->config = g_strdup (value);
      settings->config_given = TRUE;
      return TRUE;
    }
  if (g_str_equal (name, "policy-dir"))
    {
      if (!require_value (name, value, error))
        return FALSE;
      g_ptr_array_add (settings->policy_dirs, g_strdup (value));
      return TRUE;
    }
  if (g_str_equal (name, "state-db"))
    {
      if (!require_value (name, value, error))
        return FALSE;
      g_free (settings->state_db);
      settings->state_db = g_strdup (value);
      return TRUE;
    }
  if (g_str_equal (name, "now"))
    {
      GDateTime *now;
      if (!require_value (name, value, error))
        return FALSE;
      now = parse_now (value);
      if (now == NULL)
        {
          g_set_error (error, PO_ERROR, PO_ERROR_INVALID_ARGUMENT,
                       "--now: \"%s\" is not an ISO 8601 date or time", value);
          return FALSE;
        }
      g_clear_pointer (&settings->now, g_date_time_unref);
      settings->now = now;
      return TRUE;
    }
  g_set_error (error, PO_ERROR, PO_ERROR_INVALID_ARGUMENT, "unknown flag --%s", name);
  return FALSE;
}

static gboolean
option_callback (const gchar *option_name, const gchar *value, gpointer data, GError **error)
{
  return po_settings_apply_flag (data, option_name, value, error);
}

GOptionGroup *
po_settings_option_group (PoSettings *settings)
{
  const GOptionEntry entries[] = {
    { "root", 0, 0, G_OPTION_ARG_CALLBACK, option_callback,
      "Read host files beneath DIR (default /)", "DIR" },
    { "config", 0, 0, G_OPTION_ARG_CALLBACK, option_callback,
      "Organisation profile and settings (default " PHASEOUT_DEFAULT_CONFIG ")", "FILE" },
    { "policy-dir", 0, 0, G_OPTION_ARG_CALLBACK, option_callback,
      "Read policy files from DIR; repeatable (default " PHASEOUT_DEFAULT_POLICY_DIR ")", "DIR" },
    { "state-db", 0, 0, G_OPTION_ARG_CALLBACK, option_callback,
      "Detection history database", "FILE" },
    { "now", 0, 0, G_OPTION_ARG_CALLBACK, option_callback,
      "Evaluate deadlines and which policies are issued as if it were this ISO 8601 date or time",
      "WHEN" },
    { NULL }
  };
  GOptionGroup *group = g_option_group_new ("phaseout", "phaseout settings:",
                                            "Show the settings every front end accepts",
                                            settings, NULL);
  g_option_group_add_entries (group, entries);
  return group;
}

GPtrArray *
po_settings_get_policy_dirs (const PoSettings *settings)
{
  GPtrArray *dirs = g_ptr_array_new_with_free_func (g_free);

  if (settings->policy_dirs->len == 0)
    g_ptr_array_add (dirs, g_strdup (PHASEOUT_DEFAULT_POLICY_DIR));
  for (guint i = 0; i < settings->policy_dirs->len; i++)
    g_ptr_array_add (dirs, g_strdup (settings->policy_dirs->pdata[i]));
  return dirs;
}
