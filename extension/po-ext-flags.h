/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "po-runtime.h"
#include "po-settings.h"

G_BEGIN_DECLS

/*
 * phaseout.ext's command line.  osqueryd starts an autoloaded extension as
 *
 *   phaseout.ext [--verbose] --socket PATH --timeout SECONDS --interval SECONDS
 *
 * (flag and value as separate arguments); people also write --flag=value.
 * phaseout's own settings (--root, --config, --policy-dir, --state-db,
 * --now) are accepted the same ways.  An unknown flag is reported and
 * ignored, so a newer osqueryd passing a new flag cannot stop the
 * extension from starting.
 */
typedef struct {
  gchar *socket;    /* the manager's socket */
  guint timeout_s;  /* how long to wait for the manager at start */
  guint interval_s; /* how often to check the manager still knows us */
  gboolean verbose;
  gboolean help;
  gboolean version;
  PoSettings *settings;
  GPtrArray *ignored; /* the unknown arguments, as given */
} PoExtFlags;

PoExtFlags *po_ext_flags_new (void);
void po_ext_flags_free (PoExtFlags *flags);
gboolean po_ext_flags_parse (PoExtFlags *flags, int argc, char **argv, GError **error);
const gchar *po_ext_flags_usage (void);

/*
 * osquery options named custom_phaseout_<setting> fill in what the command
 * line left unset: a Fleet deployment sets them in agent options, since it
 * cannot change the argv osqueryd starts extensions with.  osqueryd only
 * accepts config options that are its own flags or start with "custom_",
 * so that prefix is what reaches us; it is dropped, and a bare phaseout_*
 * name (a flag an operator passed some other way) is taken too.
 *
 * po_ext_options_apply_settings() keeps the phaseout_* options in
 * settings->options and applies those of the settings table's flags that
 * osquery may set (PoSettingInfo.osquery_option) and the command line
 * did not; a bad value is logged and left out.
 * po_ext_options_apply_profile() gives the rest of settings->options to
 * the runtime's organisation profile, which reports a rejected one in
 * phaseout_info.config_problem.
 */
void po_ext_options_apply_settings (PoSettings *settings, GHashTable *options);
void po_ext_options_apply_profile (PoRuntime *runtime, GHashTable *options);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoExtFlags, po_ext_flags_free)

G_END_DECLS
