/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * PoSettings: the flags every front end accepts with the same names,
 *
 *   --root DIR         host files are read beneath DIR (default "/")
 *   --config FILE      organisation profile and settings (GLib key file)
 *   --policy-dir DIR   extra policy files; repeatable
 *   --state-db FILE    detection history database
 *   --now ISO8601      pretend it is this time (tests, what-if reports)
 *
 * The CLI and phaseout.ext take them as command-line flags, the loadable
 * SQLite extension through SELECT phaseout_flag('--root', 'DIR').  One
 * function, po_settings_apply_flag(), gives them their meaning for all.
 */
typedef struct {
  gchar      *root;          /* never NULL; "/" by default */
  gchar      *config;        /* NULL: the default file, if it exists */
  gboolean    config_given;  /* --config was passed: a missing file is an error */
  GPtrArray  *policy_dirs;   /* gchar*; empty: the default directory */
  gchar      *state_db;      /* NULL: the default location */
  GDateTime  *now;           /* NULL: the real clock */
  GHashTable *options;       /* phaseout_* options from osqueryd's configuration
                              * (name -> value), for the organisation profile */
} PoSettings;

PoSettings   *po_settings_new         (void);
PoSettings   *po_settings_copy        (const PoSettings *settings);
void          po_settings_free        (PoSettings       *settings);

/* name with or without the leading "--"; FALSE + PO_ERROR_INVALID_ARGUMENT
 * for an unknown name or a bad value */
gboolean      po_settings_apply_flag  (PoSettings       *settings,
                                       const gchar      *name,
                                       const gchar      *value,
                                       GError          **error);

/* a GOptionGroup carrying the flags above, writing into settings */
GOptionGroup *po_settings_option_group (PoSettings      *settings);

/* the directories policies are read from: --policy-dir, or the default */
GPtrArray    *po_settings_get_policy_dirs (const PoSettings *settings);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoSettings, po_settings_free)

G_END_DECLS
