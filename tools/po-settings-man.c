/* SPDX-License-Identifier: Apache-2.0 */
/*
 * po-settings-man: phaseout(1)'s settings, written from the settings table
 * (src/po-settings-table.c) at build time, so the man page cannot drift
 * from what the programs accept.
 *
 *   po-settings-man TEMPLATE OUTPUT
 *
 * copies TEMPLATE (packaging/phaseout.1.in, already configured) to OUTPUT
 * with the line "@PHASEOUT_MAN_SETTINGS@" replaced by one .TP entry per
 * flag and "@PHASEOUT_MAN_PROFILE_KEYS@" by one per profile key.
 */
#include <glib.h>
#include <stdio.h>

#include "po-settings.h"

/* "policy-dir" -> "policy\-dir": a hyphen, not a minus, in roff */
static gchar *
roff_escape (const gchar *text)
{
  g_autoptr (GString) out = g_string_new (NULL);

  for (const gchar *p = text; *p != '\0'; p++)
    {
      if (*p == '-')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
append_entries (GString *out, gboolean profile_keys)
{
  guint n_rows;
  const PoSettingInfo *table = po_settings_get_table (&n_rows);

  for (guint i = 0; i < n_rows; i++)
    {
      const PoSettingInfo *row = &table[i];
      g_autofree gchar *name = roff_escape (row->name);

      if ((row->kind == PO_SETTING_PROFILE) != profile_keys)
        continue;
      g_string_append (out, ".TP\n");
      if (profile_keys)
        {
          g_autofree gchar *option = roff_escape (row->osquery_option);
          g_string_append_printf (out, ".BR %s \" (osquery: \" %s )\n", name, option);
        }
      else
        g_string_append_printf (out, ".BI \\-\\-%s= %s\n", name, row->argument);
      g_string_append (out, row->man);
    }
}

int
main (int argc, char **argv)
{
  g_autofree gchar *text = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  g_auto (GStrv) lines = NULL;

  if (argc != 3)
    {
      fprintf (stderr, "usage: %s TEMPLATE OUTPUT\n", argv[0]);
      return 2;
    }
  if (!g_file_get_contents (argv[1], &text, NULL, &error))
    {
      fprintf (stderr, "po-settings-man: %s\n", error->message);
      return 1;
    }
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_equal (lines[i], "@PHASEOUT_MAN_SETTINGS@"))
        append_entries (out, FALSE);
      else if (g_str_equal (lines[i], "@PHASEOUT_MAN_PROFILE_KEYS@"))
        append_entries (out, TRUE);
      else
        g_string_append_printf (out, "%s%s", lines[i], lines[i + 1] != NULL ? "\n" : "");
    }
  if (!g_file_set_contents (argv[2], out->str, (gssize) out->len, &error))
    {
      fprintf (stderr, "po-settings-man: %s\n", error->message);
      return 1;
    }
  return 0;
}
