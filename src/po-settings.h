/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * PoSettings: what every front end accepts with the same names.  Each
 * setting is one row of the settings table (po-settings-table.c), which
 * says what it is called where, and the front ends are built from it:
 *
 *   the phaseout command   GOption entries (po_settings_option_group())
 *   phaseout.ext           its flags and the osquery options
 *                          custom_phaseout_<name> (extension/po-ext-flags.c)
 *   the SQLite module      phaseout_flag('--name', 'value')
 *   phaseout_info          the columns showing the values in effect
 *   phaseout(1)            the SETTINGS section and the profile's keys,
 *                          generated at build time (tools/po-settings-man.c)
 *
 * A setting is a flag (--root DIR), or a key of the organisation profile
 * ([profile] jurisdictions=NL in --config, or the osquery option
 * custom_phaseout_jurisdictions), whose value the catalogue checks.
 * docs/dev/new-setting.md is the recipe for a new one.
 */
typedef struct {
  gchar *root;            /* never NULL; "/" by default */
  gchar *config;          /* NULL: the default file, if it exists */
  gboolean config_given;  /* --config was passed: a missing file is an error */
  GPtrArray *policy_dirs; /* gchar*; empty: the default directory */
  gchar *state_db;        /* NULL: the default location */
  GDateTime *now;         /* NULL: the real clock */
  GHashTable *options;    /* phaseout_* options from osqueryd's configuration
                              * (name -> value), for the organisation profile */
} PoSettings;

/* what a setting's value is, and how a flag's value is taken */
typedef enum {
  PO_SETTING_PATH,      /* a non-empty string; a later one replaces it */
  PO_SETTING_PATH_LIST, /* a non-empty string; repeatable, in order */
  PO_SETTING_TIME,      /* an ISO 8601 date or time (UTC unless it has an offset) */
  PO_SETTING_PROFILE,   /* a key of the organisation profile, checked by the catalogue
                          * (po-profile.c): no flag */
} PoSettingKind;

/* the keys of the organisation profile (PO_SETTING_PROFILE rows) */
typedef enum {
  PO_PROFILE_KEY_NONE,
  PO_PROFILE_KEY_NAME,
  PO_PROFILE_KEY_JURISDICTIONS,
  PO_PROFILE_KEY_ORGANISATION_TYPES,
  PO_PROFILE_KEY_GRACE_PERIOD_DAYS,
  PO_PROFILE_KEY_DISABLED_POLICIES,
  PO_PROFILE_KEY_DEVICE_CLASS,
} PoProfileKey;

/* one row of the settings table */
typedef struct {
  const gchar *name; /* the flag without "--" ("policy-dir"), or the profile key
                                   * ("organisation-types") */
  PoSettingKind kind;
  PoProfileKey profile_key;    /* PO_SETTING_PROFILE rows only */
  const gchar *const *aliases; /* other spellings a profile key is read under
                                   * ("jurisdiction"), NULL-terminated, or NULL */
  gsize offset;                /* where a flag's value goes in PoSettings */
  const gchar *argument;       /* the value's name in --help and phaseout(1): "DIR" */
  const gchar *default_text;   /* the default as --help shows it, or NULL */
  const gchar *osquery_option; /* "custom_phaseout_policy_dir", or NULL: osquery cannot set it */
  const gchar *info_column;    /* the phaseout_info column with the value in effect, or NULL */
  const gchar *example;        /* a valid value (docs, tests) */
  const gchar *help;           /* one line, for --help */
  const gchar *man;            /* phaseout(1)'s paragraph, roff */
  /* the value in effect as phaseout_info shows it; root_is_host: the
   * root is this host's "/" (PoRoot) */
  gchar *(*describe) (const PoSettings *settings, gboolean root_is_host);
} PoSettingInfo;

/* the table, in the order --help and phaseout(1) list it */
const PoSettingInfo *po_settings_get_table (guint *ret_n_rows);
/* a row by flag name or profile key ("policy-dir", "--policy-dir"); NULL when none */
const PoSettingInfo *po_settings_lookup (const gchar *name);
/* a row by osquery option ("custom_phaseout_state_db", or without "custom_"); NULL when none */
const PoSettingInfo *po_settings_lookup_option (const gchar *option);
/* the flags (rows that are not profile keys) as "--root DIR, --config FILE, ..." or joined by
 * separator with the arguments left out (with_arguments FALSE) */
gchar *po_settings_describe_flags (const gchar *separator, gboolean with_arguments);
/* the profile keys, ", "-joined ("name, jurisdictions, ..."); prefix put before each */
gchar *po_settings_describe_profile_keys (const gchar *prefix);

PoSettings *po_settings_new (void);
PoSettings *po_settings_copy (const PoSettings *settings);
void po_settings_free (PoSettings *settings);

/* name with or without the leading "--"; FALSE + PO_ERROR_INVALID_ARGUMENT
 * for an unknown name (profile keys are not flags) or a bad value */
gboolean po_settings_apply_flag (PoSettings *settings, const gchar *name, const gchar *value,
                                 GError **error);
/* whether the flag of row was given (a value other than the default) */
gboolean po_settings_is_set (const PoSettings *settings, const PoSettingInfo *row);

/* a GOptionGroup carrying the flags, writing into settings */
GOptionGroup *po_settings_option_group (PoSettings *settings);

/* the directories policies are read from: --policy-dir, or the default */
GPtrArray *po_settings_get_policy_dirs (const PoSettings *settings);
/* the configuration file: --config, or the default (which may be absent) */
const gchar *po_settings_get_config (const PoSettings *settings);
/*
 * The state database in effect: --state-db, else the default for this user
 * when the root is this host's (root: PHASEOUT_DEFAULT_STATE_DIR/state.db,
 * others $XDG_STATE_HOME/phaseout/state.db), else NULL: history is off,
 * since the host's history must not record another tree's software.
 * *ret_is_default (may be NULL): the default was taken.
 */
gchar *po_settings_get_state_db (const PoSettings *settings, gboolean root_is_host,
                                 gboolean *ret_is_default);
/* the default state database for this user, whatever the root */
gchar *po_settings_get_default_state_db (void);
/* where phaseout keeps state when run as root (PHASEOUT_DEFAULT_STATE_DIR) */
const gchar *po_settings_get_state_dir (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoSettings, po_settings_free)

G_END_DECLS
