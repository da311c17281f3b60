/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The settings table: one row per setting, and everything the front ends
 * build from it (po-settings.h says who reads which field).  The defaults
 * come from CMake (PHASEOUT_DEFAULT_*, compiled into this file only).
 *
 * A new setting is a row here, the PoSettings field it fills (flags), or
 * its PoProfileKey and the catalogue's check of its value (profile keys);
 * docs/dev/new-setting.md walks through it, and tests/unit/test-settings.cc
 * checks that every front end takes every row.
 */
#include <stddef.h>
#include <unistd.h>

#include "po-settings.h"

static gchar *
describe_root (const PoSettings *settings, gboolean root_is_host)
{
  return g_strdup (settings->root);
}

static gchar *
describe_config (const PoSettings *settings, gboolean root_is_host)
{
  return g_strdup (po_settings_get_config (settings));
}

static gchar *
describe_policy_dirs (const PoSettings *settings, gboolean root_is_host)
{
  g_autoptr (GPtrArray) dirs = po_settings_get_policy_dirs (settings);

  g_ptr_array_add (dirs, NULL);
  return g_strjoinv (":", (gchar **) dirs->pdata);
}

static gchar *
describe_state_db (const PoSettings *settings, gboolean root_is_host)
{
  gchar *path = po_settings_get_state_db (settings, root_is_host, NULL);

  return path != NULL ? path : g_strdup ("");
}

/* the clock in effect, in unix seconds */
static gchar *
describe_now (const PoSettings *settings, gboolean root_is_host)
{
  g_autoptr (GDateTime) now = settings->now != NULL ? g_date_time_ref (settings->now)
                                                    : g_date_time_new_now_utc ();

  return g_strdup_printf ("%" G_GINT64_FORMAT, g_date_time_to_unix (now));
}

static const PoSettingInfo table[] = {
  {
    .name = "root",
    .kind = PO_SETTING_PATH,
    .offset = offsetof (PoSettings, root),
    .argument = "DIR",
    .default_text = "/",
    .info_column = "root",
    .example = "/srv/images/host1",
    .help = "Read host files beneath DIR",
    .man = "Read host files (package databases,\n"
           ".IR /proc ,\n"
           "unit files, kernel modules) beneath\n"
           ".I DIR\n"
           "instead of\n"
           ".IR / ,\n"
           "to inspect a mounted disk image or container.\n"
           "Policy files and the configuration file are always read at their real\n"
           "paths.\n",
    .describe = describe_root,
  },
  {
    .name = "config",
    .kind = PO_SETTING_PATH,
    .offset = offsetof (PoSettings, config),
    .argument = "FILE",
    .default_text = PHASEOUT_DEFAULT_CONFIG,
    .osquery_option = "custom_phaseout_config",
    .info_column = "config",
    .example = "/etc/phaseout/phaseout.conf",
    .help = "Organisation profile and settings",
    .man = "The configuration file, a GLib key file whose\n"
           ".B [profile]\n"
           "group describes the organisation (default\n"
           ".IR " PHASEOUT_DEFAULT_CONFIG " ;\n"
           "that file may be absent, a file named here must exist).\n"
           "It must be a regular file of at most 1 MiB.\n",
    .describe = describe_config,
  },
  {
    .name = "policy-dir",
    .kind = PO_SETTING_PATH_LIST,
    .offset = offsetof (PoSettings, policy_dirs),
    .argument = "DIR",
    .default_text = PHASEOUT_DEFAULT_POLICY_DIR,
    .osquery_option = "custom_phaseout_policy_dir",
    .info_column = "policy_dirs",
    .example = "/etc/phaseout/policies.d",
    .help = "Read policy files from DIR; repeatable",
    .man = "Read policy files\n"
           ".RI ( *.json )\n"
           "from\n"
           ".IR DIR ;\n"
           "repeatable, later directories win (default\n"
           ".IR " PHASEOUT_DEFAULT_POLICY_DIR " ,\n"
           "which may be absent).\n",
    .describe = describe_policy_dirs,
  },
  {
    .name = "state-db",
    .kind = PO_SETTING_PATH,
    .offset = offsetof (PoSettings, state_db),
    .argument = "FILE",
    .osquery_option = "custom_phaseout_state_db",
    .info_column = "state_db",
    .example = "/var/lib/phaseout/state.db",
    .help = "Detection history database",
    .man = "The detection history database, which records when each finding was first\n"
           "and last seen and when it went away (default\n"
           ".I " PHASEOUT_DEFAULT_STATE_DIR "/state.db\n"
           "as root,\n"
           ".I $XDG_STATE_HOME/phaseout/state.db\n"
           "otherwise; with\n"
           ".B \\-\\-root\n"
           "and no\n"
           ".BR \\-\\-state\\-db ,\n"
           "no history is kept).\n",
    .describe = describe_state_db,
  },
  {
    .name = "now",
    .kind = PO_SETTING_TIME,
    .offset = offsetof (PoSettings, now),
    .argument = "WHEN",
    .info_column = "clock",
    .example = "2017-12-20",
    .help = "Evaluate deadlines and which policies are issued as if it were this ISO 8601 date "
            "or time",
    .man = "Evaluate as if it were this ISO 8601 date or time, for tests and what-if\n"
           "reports: deadlines, and which policies are issued yet (a policy applies\n"
           "from 00:00 UTC on its issue date).\n"
           "A date alone is 00:00 UTC; a time without an offset is UTC; a time with an\n"
           "offset is that instant.\n",
    .describe = describe_now,
  },
  {
    .name = "name",
    .kind = PO_SETTING_PROFILE,
    .profile_key = PO_PROFILE_KEY_NAME,
    .osquery_option = "custom_phaseout_name",
    .example = "Ministerie van Voorbeeldzaken",
    .help = "The organisation's name, free text for reports",
    .man = "The organisation's name, free text for reports.\n",
  },
  {
    .name = "jurisdictions",
    .kind = PO_SETTING_PROFILE,
    .profile_key = PO_PROFILE_KEY_JURISDICTIONS,
    .aliases = (const gchar *const[]){ "jurisdiction", NULL },
    .osquery_option = "custom_phaseout_jurisdictions",
    .example = "NL",
    .help = "Where the organisation is: ISO 3166 codes (NL, US-TX) or EU, separated by ; or ,",
    .man = "Where the organisation is: ISO 3166 codes\n"
           ".RB ( NL ,\n"
           ".BR US\\-TX )\n"
           "or\n"
           ".BR EU ,\n"
           "separated by\n"
           ".B ;\n"
           "or\n"
           ".BR , .\n",
  },
  {
    .name = "organisation-types",
    .kind = PO_SETTING_PROFILE,
    .profile_key = PO_PROFILE_KEY_ORGANISATION_TYPES,
    .aliases = (const gchar *const[]){ "organisation-type", "organization-types",
                                       "organization-type", NULL },
    .osquery_option = "custom_phaseout_organisation_types",
    .example = "central-government",
    .help = "What kind of organisation it is (central-government, municipality, ...; x-NAME "
            "for your own)",
    .man = "What kind of organisation it is\n"
           ".RB ( central\\-government ,\n"
           ".BR municipality ,\n"
           "\\&...; see the policy format), or\n"
           ".BI x\\- NAME\n"
           "for your own.\n",
  },
  {
    .name = "grace-period-days",
    .kind = PO_SETTING_PROFILE,
    .profile_key = PO_PROFILE_KEY_GRACE_PERIOD_DAYS,
    .osquery_option = "custom_phaseout_grace_period_days",
    .example = "180",
    .help = "0 to 36500: the days allowed for policies that set no deadline",
    .man = "0 to 36500: how long the organisation allows for policies that set no\n"
           "deadline.\n",
  },
  {
    .name = "disabled-policies",
    .kind = PO_SETTING_PROFILE,
    .profile_key = PO_PROFILE_KEY_DISABLED_POLICIES,
    .aliases = (const gchar *const[]){ "disabled-policy", NULL },
    .osquery_option = "custom_phaseout_disabled_policies",
    .example = "uk-ncsc-2017",
    .help = "Policy ids that do not apply here, whatever they say",
    .man = "Policy ids that do not apply here, whatever they say.\n",
  },
  {
    .name = "device-class",
    .kind = PO_SETTING_PROFILE,
    .profile_key = PO_PROFILE_KEY_DEVICE_CLASS,
    .osquery_option = "custom_phaseout_device_class",
    .example = "desktop",
    .help = "desktop or server, for policies whose devices name only one of the two (never a "
            "phone)",
    .man = ".B desktop\n"
           "or\n"
           ".BR server ,\n"
           "for policies whose\n"
           ".B devices\n"
           "name only one of the two; without it the host is taken to be one of them\n"
           "(never a phone).\n",
  },
};

const PoSettingInfo *
po_settings_get_table (guint *ret_n_rows)
{
  if (ret_n_rows != NULL)
    *ret_n_rows = G_N_ELEMENTS (table);
  return table;
}

const gchar *
po_settings_get_state_dir (void)
{
  return PHASEOUT_DEFAULT_STATE_DIR;
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

const gchar *
po_settings_get_config (const PoSettings *settings)
{
  return settings->config != NULL ? settings->config : PHASEOUT_DEFAULT_CONFIG;
}

gchar *
po_settings_get_default_state_db (void)
{
  if (geteuid () == 0)
    return g_build_filename (PHASEOUT_DEFAULT_STATE_DIR, "state.db", NULL);
  return g_build_filename (g_get_user_state_dir (), "phaseout", "state.db", NULL);
}

gchar *
po_settings_get_state_db (const PoSettings *settings, gboolean root_is_host,
                          gboolean *ret_is_default)
{
  gboolean is_default = FALSE;
  gchar *path = NULL;

  if (settings->state_db != NULL)
    path = g_strdup (settings->state_db);
  else if (root_is_host)
    {
      path = po_settings_get_default_state_db ();
      is_default = TRUE;
    }
  if (ret_is_default != NULL)
    *ret_is_default = is_default;
  return path;
}
