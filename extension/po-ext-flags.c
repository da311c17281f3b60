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

const gchar *
po_ext_flags_usage (void)
{
  return "Usage: phaseout.ext --socket PATH [--timeout SECONDS] [--interval SECONDS] [--verbose]\n"
         "                    [--root DIR] [--config FILE] [--policy-dir DIR]... [--state-db FILE]\n"
         "                    [--now WHEN]\n"
         "\n"
         "The osquery extension serving phaseout's tables.  osqueryd starts it with\n"
         "--socket, --timeout and --interval; see README.md for autoloading.\n"
         "  --socket PATH       osqueryd's extension manager socket (default " DEFAULT_MANAGER_SOCKET ")\n"
         "  --timeout SECONDS   how long to wait for osqueryd at start (default 3)\n"
         "  --interval SECONDS  how often to check osqueryd still knows this extension (default 3)\n"
         "  --verbose           log each step\n"
         "  --root, --config, --policy-dir, --state-db, --now: as for the phaseout command\n";
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
  static const gchar *const with_value[] = { "socket", "timeout", "interval", "root", "config",
                                             "policy-dir", "state-db", "now", NULL };
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
                  g_set_error (error, PO_ERROR, PO_ERROR_INVALID_ARGUMENT,
                               "--%s needs a value", name);
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
