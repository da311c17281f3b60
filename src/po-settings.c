/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PoSettings and its flags: one function gives every flag of the settings
 * table (po-settings-table.c) its meaning, for the command line, the
 * extension's argv and osquery options, and phaseout_flag().
 */
#include "po-settings.h"

#include <string.h>

#include "po-error.h"

/* each flag's field, made, copied or freed by its kind: a new flag of an
 * existing kind is its row and its PoSettings field, nothing here */
typedef enum { FIELD_INIT, FIELD_COPY, FIELD_CLEAR } FieldOp;

static void
field_apply (FieldOp op, const PoSettingInfo *row, PoSettings *settings, const PoSettings *from)
{
  gpointer field = G_STRUCT_MEMBER_P (settings, row->offset);
  gconstpointer source = from != NULL ? G_STRUCT_MEMBER_P (from, row->offset) : NULL;

  switch (row->kind)
    {
    case PO_SETTING_PATH:
      if (op == FIELD_CLEAR)
        g_clear_pointer ((gchar **) field, g_free);
      else if (op == FIELD_COPY)
        *(gchar **) field = g_strdup (*(gchar *const *) source);
      return;
    case PO_SETTING_PATH_LIST:
      if (op == FIELD_CLEAR)
        g_clear_pointer ((GPtrArray **) field, g_ptr_array_unref);
      else
        {
          GPtrArray *list = g_ptr_array_new_with_free_func (g_free);
          if (op == FIELD_COPY)
            for (guint i = 0; i < (*(GPtrArray *const *) source)->len; i++)
              g_ptr_array_add (list, g_strdup ((*(GPtrArray *const *) source)->pdata[i]));
          *(GPtrArray **) field = list;
        }
      return;
    case PO_SETTING_TIME:
      if (op == FIELD_CLEAR)
        g_clear_pointer ((GDateTime **) field, g_date_time_unref);
      else if (op == FIELD_COPY && *(GDateTime *const *) source != NULL)
        *(GDateTime **) field = g_date_time_ref (*(GDateTime *const *) source);
      return;
    case PO_SETTING_PROFILE:
      return;
    }
  g_return_if_reached ();
}

static void
fields_apply (FieldOp op, PoSettings *settings, const PoSettings *from)
{
  guint n_rows;
  const PoSettingInfo *table = po_settings_get_table (&n_rows);

  for (guint i = 0; i < n_rows; i++)
    field_apply (op, &table[i], settings, from);
}

PoSettings *
po_settings_new (void)
{
  PoSettings *settings = g_new0 (PoSettings, 1);

  fields_apply (FIELD_INIT, settings, NULL);
  /* the one default that is a value rather than "not given" */
  settings->root = g_strdup ("/");
  settings->options = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return settings;
}

PoSettings *
po_settings_copy (const PoSettings *settings)
{
  PoSettings *copy = g_new0 (PoSettings, 1);
  GHashTableIter iter;
  gpointer key, value;

  fields_apply (FIELD_COPY, copy, settings);
  copy->config_given = settings->config_given;
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
  fields_apply (FIELD_CLEAR, settings, NULL);
  g_hash_table_unref (settings->options);
  g_free (settings);
}

const PoSettingInfo *
po_settings_lookup (const gchar *name)
{
  guint n_rows;
  const PoSettingInfo *table = po_settings_get_table (&n_rows);

  while (*name == '-')
    name++;
  for (guint i = 0; i < n_rows; i++)
    if (g_str_equal (table[i].name, name))
      return &table[i];
  return NULL;
}

const PoSettingInfo *
po_settings_lookup_option (const gchar *option)
{
  guint n_rows;
  const PoSettingInfo *table = po_settings_get_table (&n_rows);

  for (guint i = 0; i < n_rows; i++)
    {
      const gchar *name = table[i].osquery_option;
      if (name != NULL
          && (g_str_equal (name, option)
              || (g_str_has_prefix (name, "custom_")
                  && g_str_equal (name + strlen ("custom_"), option))))
        return &table[i];
    }
  return NULL;
}

gchar *
po_settings_describe_flags (const gchar *separator, gboolean with_arguments)
{
  g_autoptr (GString) text = g_string_new (NULL);
  guint n_rows;
  const PoSettingInfo *table = po_settings_get_table (&n_rows);

  for (guint i = 0; i < n_rows; i++)
    {
      if (table[i].kind == PO_SETTING_PROFILE)
        continue;
      if (text->len > 0)
        g_string_append (text, separator);
      g_string_append_printf (text, "--%s", table[i].name);
      if (with_arguments)
        g_string_append_printf (text, " %s", table[i].argument);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

gchar *
po_settings_describe_profile_keys (const gchar *prefix)
{
  g_autoptr (GString) text = g_string_new (NULL);
  guint n_rows;
  const PoSettingInfo *table = po_settings_get_table (&n_rows);

  for (guint i = 0; i < n_rows; i++)
    if (table[i].kind == PO_SETTING_PROFILE)
      g_string_append_printf (text, "%s%s%s", text->len > 0 ? ", " : "", prefix, table[i].name);
  return g_string_free (g_steal_pointer (&text), FALSE);
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
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autofree gchar *with_time = NULL;
  g_autoptr (GDateTime) parsed = NULL;

  if (strlen (value) == 10)
    {
      with_time = g_strconcat (value, "T00:00:00", NULL);
      value = with_time;
    }
  parsed = g_date_time_new_from_iso8601 (value, utc);
  return parsed != NULL ? g_date_time_to_utc (parsed) : NULL;
}

gboolean
po_settings_apply_flag (PoSettings *settings, const gchar *name, const gchar *value, GError **error)
{
  const PoSettingInfo *row;
  gpointer field;

  while (*name == '-')
    name++;
  row = po_settings_lookup (name);
  if (row == NULL || row->kind == PO_SETTING_PROFILE)
    {
      g_set_error (error, PO_ERROR, PO_ERROR_INVALID_ARGUMENT, "unknown flag --%s", name);
      return FALSE;
    }
  if (value == NULL || *value == '\0')
    {
      g_set_error (error, PO_ERROR, PO_ERROR_INVALID_ARGUMENT, "--%s needs a value", name);
      return FALSE;
    }

  field = G_STRUCT_MEMBER_P (settings, row->offset);
  switch (row->kind)
    {
    case PO_SETTING_PATH:
      g_free (*(gchar **) field);
      *(gchar **) field = g_strdup (value);
      /* a file named explicitly must exist; the default may not */
      if (field == &settings->config)
        settings->config_given = TRUE;
      return TRUE;
    case PO_SETTING_PATH_LIST:
      g_ptr_array_add (*(GPtrArray **) field, g_strdup (value));
      return TRUE;
      case PO_SETTING_TIME: {
        GDateTime *when = parse_now (value);
        if (when == NULL)
          {
            g_set_error (error, PO_ERROR, PO_ERROR_INVALID_ARGUMENT,
                         "--%s: \"%s\" is not an ISO 8601 date or time", name, value);
            return FALSE;
          }
        g_clear_pointer ((GDateTime **) field, g_date_time_unref);
        *(GDateTime **) field = when;
        return TRUE;
      }
    case PO_SETTING_PROFILE:
      break;
    }
  g_return_val_if_reached (FALSE);
}

gboolean
po_settings_is_set (const PoSettings *settings, const PoSettingInfo *row)
{
  gconstpointer field = G_STRUCT_MEMBER_P (settings, row->offset);

  switch (row->kind)
    {
    case PO_SETTING_PATH:
      return field == &settings->config ? settings->config_given : *(gchar *const *) field != NULL;
    case PO_SETTING_PATH_LIST:
      return (*(GPtrArray *const *) field)->len > 0;
    case PO_SETTING_TIME:
      return *(GDateTime *const *) field != NULL;
    case PO_SETTING_PROFILE:
      return FALSE;
    }
  g_return_val_if_reached (FALSE);
}

/* the option group's own data: the settings written to, and the strings
 * its entries point at */
typedef struct {
  PoSettings *settings;
  GPtrArray *strings;
  GOptionEntry *entries;
} OptionGroupData;

static void
option_group_data_free (OptionGroupData *data)
{
  g_ptr_array_unref (data->strings);
  g_free (data->entries);
  g_free (data);
}

static gboolean
option_callback (const gchar *option_name, const gchar *value, gpointer data, GError **error)
{
  return po_settings_apply_flag (((OptionGroupData *) data)->settings, option_name, value, error);
}

GOptionGroup *
po_settings_option_group (PoSettings *settings)
{
  OptionGroupData *data = g_new0 (OptionGroupData, 1);
  guint n_rows, n_entries = 0;
  const PoSettingInfo *table = po_settings_get_table (&n_rows);
  GOptionGroup *group;

  data->settings = settings;
  data->strings = g_ptr_array_new_with_free_func (g_free);
  data->entries = g_new0 (GOptionEntry, n_rows + 1);
  for (guint i = 0; i < n_rows; i++)
    {
      GOptionEntry *entry = &data->entries[n_entries];
      gchar *help;

      if (table[i].kind == PO_SETTING_PROFILE)
        continue;
      help = table[i].default_text != NULL
               ? g_strdup_printf ("%s (default %s)", table[i].help, table[i].default_text)
               : g_strdup (table[i].help);
      g_ptr_array_add (data->strings, help);
      entry->long_name = table[i].name;
      entry->arg = G_OPTION_ARG_CALLBACK;
      entry->arg_data = (gpointer) option_callback;
      entry->description = help;
      entry->arg_description = table[i].argument;
      n_entries++;
    }
  group = g_option_group_new ("phaseout",
                              "phaseout settings:", "Show the settings every front end accepts",
                              data, (GDestroyNotify) option_group_data_free);
  g_option_group_add_entries (group, data->entries);
  return group;
}
