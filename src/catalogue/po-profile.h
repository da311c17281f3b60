/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * PoProfile: who the endpoint belongs to, as far as ban policies care.
 *
 * A policy binds, advises or excludes kinds of organisation in a
 * jurisdiction (po-policy.h); the profile says which kinds this endpoint's
 * organisation is.  It comes from the [profile] group of the --config key
 * file,
 *
 *   [profile]
 *   name=Ministerie van Voorbeeldzaken
 *   jurisdictions=NL
 *   organisation-types=central-government
 *   grace-period-days=180
 *   disabled-policies=uk-ncsc-2017;de-bsi-2022
 *   device-class=desktop
 *
 * and, under osqueryd, from options named phaseout_<key> (also accepted as
 * custom_phaseout_<key>, osquery's prefix for extension options), applied on
 * top with po_profile_apply_option().
 *
 * Organisation types form a small hierarchy (docs/policy-format.md): a
 * profile of type federal-executive is also central-government and
 * government, so a policy that binds central-government binds it.  Types
 * of a jurisdiction (federal-executive and federal-contractor are US
 * types) count, with what they imply, only for that jurisdiction's
 * policies: po_policy_evaluate() applies that rule.
 *
 * A profile is built, then shared read-only (refcounted, thread-safe reads).
 */
typedef struct _PoProfile PoProfile;

PoProfile *po_profile_new (void);
PoProfile *po_profile_ref (PoProfile *profile);
void po_profile_unref (PoProfile *profile);
/* a deep copy, to layer options over a shared profile */
PoProfile *po_profile_copy (PoProfile *profile);

/*
 * Reads the [profile] group of key_file (a missing group leaves the profile
 * as it is).  origin names the file in messages.  Unknown keys, unknown
 * organisation types and malformed values are errors
 * (PO_ERROR_INVALID_DATA) naming origin and the key; on error the profile is
 * unchanged.
 */
gboolean po_profile_load_key_file (PoProfile *profile, GKeyFile *key_file, const gchar *origin,
                                   GError **error);

/* reads path as a key file, then as above; ret_profile untouched on failure.
 * A path that is not a regular file, or is larger than 1 MiB, is refused. */
gboolean po_profile_new_from_file (const gchar *path, PoProfile **ret_profile, GError **error);
/* the same from a key file's bytes already read; origin names them in messages */
gboolean po_profile_new_from_bytes (GBytes *bytes, const gchar *origin, PoProfile **ret_profile,
                                    GError **error);

/*
 * Sets one key from an option: key is a [profile] key ("jurisdictions"),
 * with or without a "phaseout_" or "custom_phaseout_" prefix, '_' and '-'
 * alike, singular or plural ("phaseout_jurisdiction"); value is the list
 * separated by ',' or ';'.  The option replaces what the file said for that
 * key.  An empty value clears it.
 */
gboolean po_profile_apply_option (PoProfile *profile, const gchar *key, const gchar *value,
                                  GError **error);

/* TRUE when nothing at all is configured (then every policy applies) */
gboolean po_profile_is_empty (PoProfile *profile);

/*
 * What the administrator configured but is not in this profile: a config
 * file or an option that was rejected, in a few words naming it ("the
 * profile in /etc/phaseout/phaseout.conf was rejected"), or NULL.  Reasons
 * say it instead of "no profile configured" (po_policy_evaluate()); the
 * whole story is the runtime's (po_runtime_get_profile_problem()).
 */
void po_profile_set_problem (PoProfile *profile, const gchar *problem);
const gchar *po_profile_get_problem (PoProfile *profile);

const gchar *po_profile_get_name (PoProfile *profile);
/* upper-case codes as configured, e.g. "NL", "US-TX"; never NULL */
const gchar *const *po_profile_get_jurisdictions (PoProfile *profile);
/* as configured, without the implied parents; never NULL */
const gchar *const *po_profile_get_organisation_types (PoProfile *profile);
const gchar *const *po_profile_get_disabled_policies (PoProfile *profile);
/* -1 when not configured */
gint po_profile_get_grace_period_days (PoProfile *profile);
/* "desktop" or "server" (device-class), or NULL: not configured, so one of
 * the two (phaseout does not run on phones); a policy's devices are judged
 * against it */
const gchar *po_profile_get_device_class (PoProfile *profile);

/* TRUE if the profile is of type, directly or through the hierarchy, in
 * any jurisdiction (policies apply the jurisdiction rule themselves) */
gboolean po_profile_has_organisation_type (PoProfile *profile, const gchar *type);
/* TRUE if a policy of this jurisdiction ("US", "US-TX", "EU", "*") is in the
 * profile's jurisdictions; always TRUE when the profile names none */
gboolean po_profile_in_jurisdiction (PoProfile *profile, const gchar *jurisdiction);
gboolean po_profile_is_policy_disabled (PoProfile *profile, const gchar *policy_id);

/* one line for reports, e.g. "NL; central-government" */
gchar *po_profile_describe (PoProfile *profile);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoProfile, po_profile_unref)

G_END_DECLS
