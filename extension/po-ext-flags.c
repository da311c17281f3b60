/* SPDX-License-Identifier: Apache-2.0 */
#include "po-ext-flags.h"

#include <string.h>

#include "po-error.h"

#define DEFAULT_MANAGER_SOCKET "/var/osquery/osquery.em"

PoExtFlags *
po_ext_flags_new (void)
{
  PoExtFlags *flags = g_new0 (PoExtFlags, 1);

  flags->socket = g_strdup (DEFAULT_MANAGER_SOCKET);
  flags->timeout_s = 3;
  flags->interval_s = 3;
  flags->settings = po_settings_new ();
  flags->ignored = g_ptr_array_new_with_free_func (g_free);
  return flags;
}

void
po_ext_flags_free (PoExtFlags *flags)
{
  if (flags == NULL)
    return;
  g_free (flags->socket);
  po_settings_free (flags->settings);
  g_ptr_array_unref (flags->ignored);
  g_free (flags);
}

/* the settings table's flags, as the usage names them: "[--root DIR] ..." */
static gchar *
describe_settings (void)
{
  g_autoptr (GString) text = g_string_new (NULL);
  guint n_rows;
  const PoSettingInfo *table = po_settings_get_table (&n_rows);

  for (guint i = 0; i < n_rows; i++)
    if (table[i].kind != PO_SETTING_PROFILE)
      g_string_append_printf (text, "%s[--%s %s]%s", text->len > 0 ? " " : "", table[i].name,
                              table[i].argument,
                              table[i].kind == PO_SETTING_PATH_LIST ? "..." : "");
  return g_string_free (g_steal_pointer (&text), FALSE);
}

const gchar *
po_ext_flags_usage (void)
{
  static gchar *usage;

  if (g_once_init_enter (&usage))
    {
      g_autofree gchar *settings = describe_settings ();
      g_autofree gchar *names = po_settings_describe_flags (", ", FALSE);
      gchar *text = g_strdup_printf (
        "Usage: phaseout.ext --socket PATH [--timeout SECONDS] [--interval SECONDS] [--verbose]\n"
        "                    %s\n"
        "\n"
        "The osquery extension serving phaseout's tables.  osqueryd starts it with\n"
        "--socket, --timeout and --interval; see README.md for autoloading.\n"
        "  --socket PATH       osqueryd's extension manager socket (default %s)\n"
        "  --timeout SECONDS   how long to wait for osqueryd at start (default 3)\n"
        "  --interval SECONDS  how often to check osqueryd still knows this extension "
        "(default 3)\n"
        "  --verbose           log each step\n"
        "  %s: as for the phaseout command\n",
        settings, DEFAULT_MANAGER_SOCKET, names);
      g_once_init_leave (&usage, text);
    }
  return usage;
}

static gboolean
parse_seconds (const gchar *name, const gchar *value, guint *ret_seconds, GError **error)
{
  guint64 seconds;

  if (!g_ascii_string_to_unsigned (value, 10, 0, 24 * 3600, &seconds, NULL))
    {
      g_set_error (error, PO_ERROR, PO_ERROR_INVALID_ARGUMENT,
                   "--%s: \"%s\" is not a number of seconds", name, value);
      return FALSE;
    }
  *ret_seconds = (guint) seconds;
  return TRUE;
}

typedef enum { TAKES_NOTHING, TAKES_VALUE } Arity;

static Arity
arity_of (const gchar *name)
{
  static const gchar *const with_value[] = { "socket", "timeout", "interval", NULL };
  const PoSettingInfo *setting = po_settings_lookup (name);

  if (setting != NULL && setting->kind != PO_SETTING_PROFILE)
    return TAKES_VALUE;
  return g_strv_contains (with_value, name) ? TAKES_VALUE : TAKES_NOTHING;
}

static gboolean
apply (PoExtFlags *flags, const gchar *name, const gchar *value, GError **error)
{
  if (g_str_equal (name, "socket"))
    {
      if (*value == '\0')
        {
          g_set_error_literal (error, PO_ERROR, PO_ERROR_INVALID_ARGUMENT, "--socket is empty");
          return FALSE;
        }
      g_free (flags->socket);
      flags->socket = g_strdup (value);
      return TRUE;
    }
  if (g_str_equal (name, "timeout"))
    return parse_seconds (name, value, &flags->timeout_s, error);
  if (g_str_equal (name, "interval"))
    return parse_seconds (name, value, &flags->interval_s, error);
  return po_settings_apply_flag (flags->settings, name, value, error);
}

gboolean
po_ext_flags_parse (PoExtFlags *flags, int argc, char **argv, GError **error)
{
  for (int i = 1; i < argc; i++)
    {
      const gchar *arg = argv[i];
      g_autofree gchar *name = NULL;
      const gchar *equals;
      const gchar *value = NULL;

      if (!g_str_has_prefix (arg, "-"))
        {
          g_ptr_array_add (flags->ignored, g_strdup (arg));
          continue;
        }
      /* -x and --x are the same, as in osquery's gflags */
      arg += g_str_has_prefix (arg, "--") ? 2 : 1;
      equals = strchr (arg, '=');
      name = equals != NULL ? g_strndup (arg, (gsize) (equals - arg)) : g_strdup (arg);
      if (equals != NULL)
        value = equals + 1;

      if (g_str_equal (name, "verbose") && value == NULL)
        flags->verbose = TRUE;
      else if ((g_str_equal (name, "help") || g_str_equal (name, "h")) && value == NULL)
        flags->help = TRUE;
      else if (g_str_equal (name, "version") && value == NULL)
        flags->version = TRUE;
      else if (arity_of (name) == TAKES_VALUE)
        {
          if (value == NULL)
            {
              if (i + 1 >= argc)
                {
                  g_set_error (error, PO_ERROR, PO_ERROR_INVALID_ARGUMENT, "--%s needs a value",
                               name);
                  return FALSE;
                }
              value = argv[++i];
            }
          if (!apply (flags, name, value, error))
            return FALSE;
        }
      else
        g_ptr_array_add (flags->ignored, g_strdup (argv[i]));
    }
  return TRUE;
}

void
po_ext_options_apply_settings (PoSettings *settings, GHashTable *options)
{
  GHashTableIter iter;
  gpointer key, value;
  guint n_rows;
  const PoSettingInfo *table = po_settings_get_table (&n_rows);

  g_hash_table_iter_init (&iter, options);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const gchar *name = key;
      if (g_str_has_prefix (name, "custom_"))
        name += strlen ("custom_");
      if (g_str_has_prefix (name, "phaseout_") && *(const gchar *) value != '\0')
        g_hash_table_replace (settings->options, g_strdup (name), g_strdup (value));
    }

  for (guint i = 0; i < n_rows; i++)
    {
      const PoSettingInfo *row = &table[i];
      const gchar *option, *value_text;
      g_autoptr (GError) error = NULL;

      if (row->kind == PO_SETTING_PROFILE || row->osquery_option == NULL)
        continue;
      option = row->osquery_option + strlen ("custom_");
      value_text = g_hash_table_lookup (settings->options, option);
      if (value_text == NULL || po_settings_is_set (settings, row))
        continue;
      if (!po_settings_apply_flag (settings, row->name, value_text, &error))
        g_warning ("osquery option %s: %s", option, error->message);
    }
}

void
po_ext_options_apply_profile (PoRuntime *runtime, GHashTable *options)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, options);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const PoSettingInfo *row = po_settings_lookup_option (key);
      g_autoptr (GError) error = NULL;
      /* named as the administrator wrote it in osquery's configuration, so
       * that phaseout_info.config_problem points at the line to fix */
      g_autofree gchar *name = g_strconcat ("custom_", (const gchar *) key, NULL);

      if (row != NULL && row->kind != PO_SETTING_PROFILE)
        continue;
      if (!po_runtime_set_profile_option (runtime, name, value, &error))
        g_warning ("osquery's options: %s; the option is ignored", error->message);
    }
}
