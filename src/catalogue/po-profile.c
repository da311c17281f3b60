/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PoProfile: the endpoint's organisation as the [profile] group of the
 * config file and osquery options describe it.  Every value is checked
 * against the format's vocabulary when it is set, so a typo
 * ("muncipality") is an error naming the key, never a profile that
 * silently matches nothing.
 */
#include <string.h>

#include "po-catalogue-private.h"
#include "po-error.h"
#include "po-settings.h"

#define PROFILE_GROUP  "profile"
#define MAX_GRACE_DAYS 36500

struct _PoProfile {
  gatomicrefcount ref_count;
  gchar *name;
  GStrv jurisdictions;
  GStrv types;
  GStrv disabled;
  gint grace_days;
  gchar *device_class; /* "desktop", "server", or NULL: one of the two */
  gchar *problem;      /* what was configured but rejected, or NULL */
};

PoProfile *
po_profile_new (void)
{
  PoProfile *profile = g_new0 (PoProfile, 1);

  g_atomic_ref_count_init (&profile->ref_count);
  profile->jurisdictions = g_new0 (gchar *, 1);
  profile->types = g_new0 (gchar *, 1);
  profile->disabled = g_new0 (gchar *, 1);
  profile->grace_days = -1;
  return profile;
}

PoProfile *
po_profile_ref (PoProfile *profile)
{
  g_return_val_if_fail (profile != NULL, NULL);
  g_atomic_ref_count_inc (&profile->ref_count);
  return profile;
}

void
po_profile_unref (PoProfile *profile)
{
  if (profile == NULL || !g_atomic_ref_count_dec (&profile->ref_count))
    return;
  g_free (profile->name);
  g_strfreev (profile->jurisdictions);
  g_strfreev (profile->types);
  g_strfreev (profile->disabled);
  g_free (profile->device_class);
  g_free (profile->problem);
  g_free (profile);
}

PoProfile *
po_profile_copy (PoProfile *profile)
{
  PoProfile *copy = po_profile_new ();

  copy->name = g_strdup (profile->name);
  g_strfreev (copy->jurisdictions);
  copy->jurisdictions = g_strdupv (profile->jurisdictions);
  g_strfreev (copy->types);
  copy->types = g_strdupv (profile->types);
  g_strfreev (copy->disabled);
  copy->disabled = g_strdupv (profile->disabled);
  copy->grace_days = profile->grace_days;
  copy->device_class = g_strdup (profile->device_class);
  copy->problem = g_strdup (profile->problem);
  return copy;
}

/*
 * "custom_phaseout_organisation_types" -> PO_PROFILE_KEY_ORGANISATION_TYPES:
 * the keys are the settings table's profile rows (po-settings-table.c),
 * under their names and aliases, '_' and '-' alike, in any case
 */
static gboolean
lookup_key (const gchar *text, gboolean allow_prefix, PoProfileKey *ret_key)
{
  guint n_rows;
  const PoSettingInfo *table = po_settings_get_table (&n_rows);
  g_autofree gchar *name = g_ascii_strdown (text, -1);
  const gchar *bare = name;

  g_strdelimit (name, "_", '-');
  if (allow_prefix)
    {
      if (g_str_has_prefix (bare, "custom-"))
        bare += strlen ("custom-");
      if (g_str_has_prefix (bare, "phaseout-"))
        bare += strlen ("phaseout-");
    }
  for (guint i = 0; i < n_rows; i++)
    {
      if (table[i].kind != PO_SETTING_PROFILE)
        continue;
      if (g_str_equal (table[i].name, bare)
          || (table[i].aliases != NULL && g_strv_contains (table[i].aliases, bare)))
        {
          *ret_key = table[i].profile_key;
          return TRUE;
        }
    }
  return FALSE;
}

/* "phaseout_name, phaseout_jurisdictions, ...": the options osquery may set */
static gchar *
describe_options (void)
{
  g_autoptr (GString) text = g_string_new (NULL);
  guint n_rows;
  const PoSettingInfo *table = po_settings_get_table (&n_rows);

  for (guint i = 0; i < n_rows; i++)
    if (table[i].kind == PO_SETTING_PROFILE)
      g_string_append_printf (text, "%s%s", text->len > 0 ? ", " : "",
                              table[i].osquery_option + strlen ("custom_"));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* a list value: ',' or ';' separated, blanks ignored */
static GStrv
split_list (const gchar *value)
{
  g_auto (GStrv) parts = g_strsplit_set (value, ",;", -1);
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      gchar *item = g_strstrip (parts[i]);
      if (*item != '\0' && !g_ptr_array_find_with_equal_func (list, item, g_str_equal, NULL))
        g_ptr_array_add (list, g_strdup (item));
    }
  g_ptr_array_add (list, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&list), FALSE);
}

/* where: how messages name the setting, e.g. "FILE: [profile]: key 'KEY'" */
static gboolean
set_value (PoProfile *profile, PoProfileKey key, const gchar *value, const gchar *where,
           GError **error)
{
  g_auto (GStrv) list = split_list (value);

  switch (key)
    {
      case PO_PROFILE_KEY_NAME: {
        g_autofree gchar *name = g_strstrip (g_strdup (value));
        g_free (profile->name);
        profile->name = *name != '\0' ? g_steal_pointer (&name) : NULL;
        return TRUE;
      }
    case PO_PROFILE_KEY_JURISDICTIONS:
      for (guint i = 0; list[i] != NULL; i++)
        {
          g_autofree gchar *code = po_vocabulary_normalise_jurisdiction (list[i]);
          if (code == NULL || g_str_equal (code, "*"))
            {
              g_set_error (error, PO_ERROR, PO_ERROR_INVALID_DATA,
                           "%s: '%s' is not a jurisdiction (an ISO 3166 code such as NL or "
                           "US-TX, or EU)",
                           where, list[i]);
              return FALSE;
            }
          g_free (list[i]);
          list[i] = g_steal_pointer (&code);
        }
      g_strfreev (profile->jurisdictions);
      profile->jurisdictions = g_steal_pointer (&list);
      return TRUE;
    case PO_PROFILE_KEY_ORGANISATION_TYPES:
      for (guint i = 0; list[i] != NULL; i++)
        if (!po_vocabulary_is_organisation_type (list[i]))
          {
            g_autofree gchar *known = g_strjoinv (", ", (gchar **)
                                                          po_vocabulary_get_organisation_types ());
            g_set_error (error, PO_ERROR, PO_ERROR_INVALID_DATA,
                         "%s: unknown organisation type '%s' (known: %s; or x-NAME for your "
                         "own)",
                         where, list[i], known);
            return FALSE;
          }
      g_strfreev (profile->types);
      profile->types = g_steal_pointer (&list);
      return TRUE;
    case PO_PROFILE_KEY_DISABLED_POLICIES:
      for (guint i = 0; list[i] != NULL; i++)
        if (!po_vocabulary_is_id (list[i]))
          {
            g_set_error (error, PO_ERROR, PO_ERROR_INVALID_DATA, "%s: '%s' is not a policy id",
                         where, list[i]);
            return FALSE;
          }
      g_strfreev (profile->disabled);
      profile->disabled = g_steal_pointer (&list);
      return TRUE;
      case PO_PROFILE_KEY_GRACE_PERIOD_DAYS: {
        g_autofree gchar *text = g_strstrip (g_strdup (value));
        guint64 days = 0;

        if (*text == '\0')
          {
            profile->grace_days = -1;
            return TRUE;
          }
        if (!g_ascii_string_to_unsigned (text, 10, 0, MAX_GRACE_DAYS, &days, NULL))
          {
            g_set_error (error, PO_ERROR, PO_ERROR_INVALID_DATA,
                         "%s: '%s' is not a number of days (0 to %d)", where, text, MAX_GRACE_DAYS);
            return FALSE;
          }
        profile->grace_days = (gint) days;
        return TRUE;
      }
      case PO_PROFILE_KEY_DEVICE_CLASS: {
        g_autofree gchar *text = g_strstrip (g_strdup (value));

        /* phaseout runs on desktops and servers: a phone cannot run it, so a
         * profile cannot claim to be one */
        if (*text != '\0' && !g_str_equal (text, "desktop") && !g_str_equal (text, "server"))
          {
            g_set_error (error, PO_ERROR, PO_ERROR_INVALID_DATA,
                         "%s: '%s' is not a device class phaseout runs on (desktop or server)",
                         where, text);
            return FALSE;
          }
        g_free (profile->device_class);
        profile->device_class = *text != '\0' ? g_steal_pointer (&text) : NULL;
        return TRUE;
      }
    case PO_PROFILE_KEY_NONE:
      break;
    }
  g_return_val_if_reached (FALSE);
}

gboolean
po_profile_load_key_file (PoProfile *profile, GKeyFile *key_file, const gchar *origin,
                          GError **error)
{
  g_autoptr (PoProfile) scratch = po_profile_copy (profile);
  g_auto (GStrv) keys = NULL;

  if (!g_key_file_has_group (key_file, PROFILE_GROUP))
    return TRUE;
  keys = g_key_file_get_keys (key_file, PROFILE_GROUP, NULL, error);
  if (keys == NULL)
    return FALSE;
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autofree gchar *value = NULL;
      g_autofree gchar *where = g_strdup_printf ("%s: [" PROFILE_GROUP "]: key '%s'", origin,
                                                 keys[i]);
      PoProfileKey key;

      if (!lookup_key (keys[i], FALSE, &key))
        {
          g_autofree gchar *known = po_settings_describe_profile_keys ("");
          g_set_error (error, PO_ERROR, PO_ERROR_INVALID_DATA,
                       "%s: [" PROFILE_GROUP "]: unknown key '%s' (known: %s)", origin, keys[i],
                       known);
          return FALSE;
        }
      value = g_key_file_get_string (key_file, PROFILE_GROUP, keys[i], error);
      if (value == NULL)
        {
          g_prefix_error (error, "%s: ", where);
          return FALSE;
        }
      if (!set_value (scratch, key, value, where, error))
        return FALSE;
    }

  g_free (profile->name);
  profile->name = g_steal_pointer (&scratch->name);
  g_strfreev (profile->jurisdictions);
  profile->jurisdictions = g_steal_pointer (&scratch->jurisdictions);
  g_strfreev (profile->types);
  profile->types = g_steal_pointer (&scratch->types);
  g_strfreev (profile->disabled);
  profile->disabled = g_steal_pointer (&scratch->disabled);
  profile->grace_days = scratch->grace_days;
  g_free (profile->device_class);
  profile->device_class = g_steal_pointer (&scratch->device_class);
  scratch->jurisdictions = g_new0 (gchar *, 1);
  scratch->types = g_new0 (gchar *, 1);
  scratch->disabled = g_new0 (gchar *, 1);
  return TRUE;
}

gboolean
po_profile_new_from_bytes (GBytes *bytes, const gchar *origin, PoProfile **ret_profile,
                           GError **error)
{
  g_autoptr (GKeyFile) key_file = g_key_file_new ();
  g_autoptr (PoProfile) profile = po_profile_new ();

  if (!g_key_file_load_from_bytes (key_file, bytes, G_KEY_FILE_NONE, error))
    {
      g_prefix_error (error, "%s: ", origin);
      return FALSE;
    }
  if (!po_profile_load_key_file (profile, key_file, origin, error))
    return FALSE;
  *ret_profile = g_steal_pointer (&profile);
  return TRUE;
}

gboolean
po_profile_new_from_file (const gchar *path, PoProfile **ret_profile, GError **error)
{
  g_autoptr (GBytes) bytes = NULL;

  if (!po_config_file_read (path, PO_PROFILE_MAX_FILE_SIZE, NULL, NULL, &bytes, NULL, error))
    return FALSE;
  return po_profile_new_from_bytes (bytes, path, ret_profile, error);
}

gboolean
po_profile_apply_option (PoProfile *profile, const gchar *key, const gchar *value, GError **error)
{
  g_autofree gchar *where = NULL;
  PoProfileKey which;

  g_return_val_if_fail (profile != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  if (!lookup_key (key, TRUE, &which))
    {
      g_autofree gchar *known = describe_options ();
      g_set_error (error, PO_ERROR, PO_ERROR_INVALID_ARGUMENT,
                   "unknown profile option '%s' (known: %s)", key, known);
      return FALSE;
    }
  where = g_strdup_printf ("option '%s'", key);
  return set_value (profile, which, value != NULL ? value : "", where, error);
}

gboolean
po_profile_is_empty (PoProfile *profile)
{
  return profile->name == NULL && profile->jurisdictions[0] == NULL && profile->types[0] == NULL
         && profile->disabled[0] == NULL && profile->grace_days < 0
         && profile->device_class == NULL;
}

void
po_profile_set_problem (PoProfile *profile, const gchar *problem)
{
  g_free (profile->problem);
  profile->problem = g_strdup (problem);
}

const gchar *
po_profile_get_problem (PoProfile *profile)
{
  return profile->problem;
}

const gchar *
po_profile_get_name (PoProfile *profile)
{
  return profile->name;
}

const gchar *const *
po_profile_get_jurisdictions (PoProfile *profile)
{
  return (const gchar *const *) profile->jurisdictions;
}

const gchar *const *
po_profile_get_organisation_types (PoProfile *profile)
{
  return (const gchar *const *) profile->types;
}

const gchar *const *
po_profile_get_disabled_policies (PoProfile *profile)
{
  return (const gchar *const *) profile->disabled;
}

gint
po_profile_get_grace_period_days (PoProfile *profile)
{
  return profile->grace_days;
}

const gchar *
po_profile_get_device_class (PoProfile *profile)
{
  return profile->device_class;
}

gboolean
po_profile_has_organisation_type (PoProfile *profile, const gchar *type)
{
  for (guint i = 0; profile->types[i] != NULL; i++)
    for (const gchar *t = profile->types[i]; t != NULL;
         t = po_vocabulary_get_organisation_parent (t))
      if (g_strcmp0 (t, type) == 0)
        return TRUE;
  return FALSE;
}

/*
 * A national policy ("US") reaches an organisation in a subdivision
 * ("US-TX"); a subdivision's policy does not reach the whole country.  EU
 * policies reach profiles that list EU: membership is not inferred.
 */
gboolean
po_profile_in_jurisdiction (PoProfile *profile, const gchar *jurisdiction)
{
  g_autofree gchar *code = NULL;

  if (profile->jurisdictions[0] == NULL || g_strcmp0 (jurisdiction, "*") == 0)
    return TRUE;
  code = po_vocabulary_normalise_jurisdiction (jurisdiction);
  if (code == NULL)
    return FALSE;
  for (guint i = 0; profile->jurisdictions[i] != NULL; i++)
    {
      const gchar *mine = profile->jurisdictions[i];
      gsize length = strlen (code);
      if (g_str_equal (mine, code) || (strncmp (mine, code, length) == 0 && mine[length] == '-'))
        return TRUE;
    }
  return FALSE;
}

gboolean
po_profile_is_policy_disabled (PoProfile *profile, const gchar *policy_id)
{
  return g_strv_contains ((const gchar *const *) profile->disabled, policy_id);
}

gchar *
po_profile_describe (PoProfile *profile)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autofree gchar *jurisdictions = g_strjoinv (", ", profile->jurisdictions);
  g_autofree gchar *types = g_strjoinv (", ", profile->types);

  if (po_profile_is_empty (profile))
    return profile->problem != NULL ? g_strdup_printf ("none in force: %s", profile->problem)
                                    : g_strdup ("none configured");
  if (profile->name != NULL)
    g_string_append_printf (text, "%s; ", profile->name);
  g_string_append_printf (text, "jurisdictions: %s; organisation types: %s",
                          *jurisdictions != '\0' ? jurisdictions : "any",
                          *types != '\0' ? types : "none");
  if (profile->grace_days >= 0)
    g_string_append_printf (text, "; grace period: %d days", profile->grace_days);
  if (profile->device_class != NULL)
    g_string_append_printf (text, "; device class: %s", profile->device_class);
  if (profile->disabled[0] != NULL)
    {
      g_autofree gchar *disabled = g_strjoinv (", ", profile->disabled);
      g_string_append_printf (text, "; switched off: %s", disabled);
    }
  if (profile->problem != NULL)
    g_string_append_printf (text, " (not as configured: %s)", profile->problem);
  return g_string_free (g_steal_pointer (&text), FALSE);
}
