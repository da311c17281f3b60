/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "po-profile.h"

G_BEGIN_DECLS

/*
 * The organisation profile in force for a process: the [profile] group of
 * the configuration file, read again when the file changes (a stat per
 * query), with the osquery options set on top.  The runtime keeps one
 * (po_runtime_get_profile()).  Thread-safe.
 */
typedef struct _PoProfileSource PoProfileSource;

/* config: the configuration file; must_exist: it was named (--config), so
 * a missing file is an error, not "no profile".  error is for failures of
 * the source itself and is not set today. */
PoProfileSource *po_profile_source_new (const gchar *config, gboolean must_exist, GError **error);
void po_profile_source_free (PoProfileSource *source);

/*
 * The profile: *ret_profile is a new reference, or NULL when nothing is
 * configured.  A file that cannot be read, is refused (not a regular
 * file; larger than 1 MiB; as root, not root's or writable by group or
 * others) or is malformed keeps the last good profile, or none when there
 * was none; a rejected option is left out.  Either way the profile
 * returned carries a short problem (po_profile_get_problem()), and is
 * returned even when empty, so reasons never claim that nothing was
 * configured.  A named file that is missing is an error.
 */
gboolean po_profile_source_get (PoProfileSource *source, PoProfile **ret_profile, GError **error);

/*
 * What was configured but is not in force, as of the last
 * po_profile_source_get(): one line per rejected file or option, naming it
 * and the problem, and saying what is in force instead; NULL when nothing
 * was rejected.  For phaseout_info.config_problem and the report.
 */
gchar *po_profile_source_get_problem (PoProfileSource *source);

/* an osquery option (custom_phaseout_jurisdictions, ...) for the profile;
 * FALSE with the reason when it is rejected, which is also kept for
 * po_profile_source_get_problem() */
gboolean po_profile_source_set_option (PoProfileSource *source, const gchar *key,
                                       const gchar *value, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoProfileSource, po_profile_source_free)

G_END_DECLS
