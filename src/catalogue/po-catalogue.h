/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "po-catalogue-load.h"
#include "po-catalogue-match.h"
#include "po-indicator.h"
#include "po-policy.h"
#include "po-profile.h"
#include "po-runtime.h"
#include "po-vendor.h"

G_BEGIN_DECLS

/*
 * The ban-policy catalogue: vendors with their products and the indicators
 * that find them on a host, and the policies that ban or advise against
 * them.  All of it is data (docs/policy-format.md): the built-in files under
 * data/ are compiled in as a GResource, administrators add or override with
 * JSON files in --policy-dir directories.
 *
 * The objects have their own headers (po-indicator-kind.h, po-indicator.h,
 * po-vendor.h, po-policy.h, po-catalogue-load.h, po-catalogue-match.h);
 * this one includes them all, and holds the vocabularies and the
 * runtime's and the command line's hooks.
 */

/* ---- vocabulary ---------------------------------------------------------- */

/*
 * The closed vocabularies of the format.  Files may also use their own
 * values prefixed "x-" (x-acme-subsidiary) for categories and organisation
 * types.  NULL-terminated, in documentation order.
 */
const gchar *const *po_vocabulary_get_categories          (void);
const gchar *const *po_vocabulary_get_organisation_types  (void);
const gchar *const *po_vocabulary_get_milestone_kinds     (void);
/* the classes of device a policy's "devices" names besides "all":
 * "mobile", "desktop", "server" */
const gchar *const *po_vocabulary_get_device_classes      (void);
/* the type an organisation type implies ("municipality" -> "local-government"),
 * or NULL at the top or for unknown types */
const gchar        *po_vocabulary_get_organisation_parent (const gchar *type);
/* the jurisdiction a type belongs to ("federal-contractor" -> "US"), or NULL
 * for types that mean the same everywhere */
const gchar        *po_vocabulary_get_organisation_jurisdiction (const gchar *type);

/* ---- the runtime's catalogue and profile --------------------------------- */

/*
 * The catalogue for the runtime's settings (--policy-dir, or the default
 * directory): loaded on first use, kept as a runtime component, and loaded
 * again, keeping last-good files, when a policy file or directory changed.
 * Thread-safe.  Returns a new reference.  Bad files do not make it fail
 * (they are problems inside the catalogue); error is there for failures
 * of the runtime itself and is not set today.
 */
PoCatalogue        *po_runtime_get_catalogue       (PoRuntime    *runtime,
                                                    GError      **error);

/*
 * The organisation profile: the [profile] group of the --config file (or of
 * the default config, when it exists), with the options set through
 * po_runtime_set_profile_option() on top.  *ret_profile is a new reference,
 * or NULL when nothing is configured.  A config file that cannot be read,
 * is refused (not a regular file; larger than 1 MiB; as root, not root's or
 * writable by group or others) or is malformed keeps the last good profile,
 * or none when there was none; a rejected option is left out.  Either way
 * the profile returned carries a short problem (po_profile_get_problem()),
 * and is returned even when empty, so reasons never claim that nothing was
 * configured.  An explicit --config that is missing is an error.
 */
gboolean            po_runtime_get_profile         (PoRuntime    *runtime,
                                                    PoProfile   **ret_profile,
                                                    GError      **error);

/*
 * What was configured but is not in force, as of the last
 * po_runtime_get_profile(): one line per rejected file or option, naming it
 * and the problem, and saying what is in force instead; NULL when nothing
 * was rejected.  For phaseout_info.config_problem and the report.
 */
gchar              *po_runtime_get_profile_problem (PoRuntime    *runtime);

/* an osquery option (phaseout_jurisdiction, ...) for this runtime's profile;
 * FALSE with the reason when it is rejected, which the runtime also keeps
 * for po_runtime_get_profile_problem() */
gboolean            po_runtime_set_profile_option  (PoRuntime    *runtime,
                                                    const gchar  *key,
                                                    const gchar  *value,
                                                    GError      **error);

/* ---- command-line hooks -------------------------------------------------- */

/*
 * `phaseout policy check FILE...`: validates the files against the format
 * and the built-in catalogue (vendor ids the files use may come from the
 * built-in data or from any of the files), without permission checks.
 * Appends one line per file ("FILE: ok: 2 policies (a, b), sha256 ...") or
 * per problem to report.  FALSE + PO_ERROR_INVALID_DATA when any file is
 * bad (exit 1), TRUE when all are good (exit 0).
 */
gboolean            po_policy_check_files          (const gchar *const *files,
                                                    GString            *report,
                                                    GError            **error);

/*
 * `phaseout policy list`: the runtime's catalogue, one line per policy
 * (id, applicability for the profile at the runtime's time, origin, hash,
 * title), then the
 * profile and any problems.  verbose adds each policy's reason, scope and
 * milestones.  FALSE + PO_ERROR_INVALID_DATA when some file was rejected,
 * a policy file or the organisation profile (the report is complete all
 * the same), so scripts can notice.
 */
gboolean            po_policy_list                 (PoRuntime          *runtime,
                                                    gboolean            verbose,
                                                    GString            *report,
                                                    GError            **error);

G_END_DECLS
