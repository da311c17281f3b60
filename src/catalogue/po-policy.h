/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "po-profile.h"

G_BEGIN_DECLS

/*
 * PoPolicy: one government (or company) instrument that bans or advises
 * against a vendor's software, as loaded from a policy file
 * (docs/policy-format.md): who issued it where, what it covers (vendors and
 * product categories), by when (milestones) and whom it binds, advises or
 * excludes (scope).
 *
 * Policies are immutable and refcounted; a catalogue shares them with the
 * catalogue that replaces it, so one that keeps working after its file
 * turned bad is the very same object.
 */
typedef struct _PoPolicy PoPolicy;

/* a citation; url may be NULL (a printed source), title never is */
typedef struct {
  const gchar *title;
  const gchar *url;
} PoSource;

/*
 * A dated step the instrument sets.  date is as written in the file,
 * YYYY-MM-DD or RFC 3339 with an offset ("2024-09-29T00:00:00-04:00");
 * when is the same instant in UTC, a plain date counting as 00:00 UTC.
 * day is the calendar date as written (the first ten characters of date,
 * "2024-09-29"), time the rest when the file gives a time of day
 * ("00:00:00-04:00"), else NULL.  passed_at is the second (since the
 * epoch) from which the milestone counts as passed: the instant given, or
 * for a plain date, which is a whole UTC day, the next day's 00:00 UTC.
 * kind is one of the milestone kinds in docs/policy-format.md ("identify",
 * "plan", "begin-removal", "remove", "use-prohibited", ...).
 */
typedef struct {
  const gchar *kind;
  const gchar *date;
  GDateTime *when;
  const gchar *description; /* may be NULL */
  const gchar *day;
  const gchar *time; /* may be NULL */
  gint64 passed_at;
} PoMilestone;

/* the milestone's date for a person: "2017-12-12", or with its time of
 * day as the instrument gives it, "2024-09-29 00:00 UTC-04:00" */
gchar *po_milestone_format_readable (const PoMilestone *milestone);

/*
 * What a policy means for the endpoint's profile (po_policy_evaluate()).
 * BINDING and ADVISORY apply; the others do not.
 */
typedef enum {
  PO_APPLICABILITY_BINDING,
  PO_APPLICABILITY_ADVISORY,
  PO_APPLICABILITY_EXCLUDED,     /* the scope excludes the organisation */
  PO_APPLICABILITY_OUT_OF_SCOPE, /* neither bound nor advised */
  PO_APPLICABILITY_OTHER_JURISDICTION,
  PO_APPLICABILITY_SWITCHED_OFF,  /* disabled-policies in the profile */
  PO_APPLICABILITY_NOT_ISSUED,    /* evaluated before the issue date */
  PO_APPLICABILITY_OTHER_DEVICES, /* the policy covers other classes of device */
} PoApplicability;

/* "binding", "advisory", "excluded", "out_of_scope", "other_jurisdiction",
 * "switched_off", "not_issued", "other_devices" */
const gchar *po_applicability_to_string (PoApplicability applicability);
gboolean po_applicability_applies (PoApplicability applicability);

PoPolicy *po_policy_ref (PoPolicy *policy);
void po_policy_unref (PoPolicy *policy);

const gchar *po_policy_get_id (PoPolicy *policy);
const gchar *po_policy_get_title (PoPolicy *policy);
const gchar *po_policy_get_issuer (PoPolicy *policy);
/* ISO 3166-1 alpha-2 ("NL"), a subdivision ("US-TX"), "EU", or "*" */
const gchar *po_policy_get_jurisdiction (PoPolicy *policy);
const gchar *po_policy_get_instrument (PoPolicy *policy);
/* YYYY-MM-DD */
const gchar *po_policy_get_issued (PoPolicy *policy);
/* whether the policy exists at now: issued on D means in force from D
 * 00:00 UTC, a whole UTC day like every date without a time */
gboolean po_policy_is_issued_at (PoPolicy *policy, GDateTime *now);
/* whether the instrument binds those its scope binds (FALSE: guidance) */
gboolean po_policy_get_binding (PoPolicy *policy);
/* "verified", "reported" or "unverified" (the latter never built in) */
const gchar *po_policy_get_confidence (PoPolicy *policy);
/* the vendors entries as written: vendor ids ("tencent", every product in
 * the categories) and vendor/product ("bytedance/tiktok", that product);
 * never NULL */
const gchar *const *po_policy_get_vendors (PoPolicy *policy);
/* the vendor ids those entries name, each once, in order; never NULL */
const gchar *const *po_policy_get_vendor_ids (PoPolicy *policy);
/* category ids, or { "all" }; never NULL */
const gchar *const *po_policy_get_categories (PoPolicy *policy);
/* the classes of device covered: { "all" } (also when the file says
 * nothing), or some of "mobile", "desktop", "server"; never NULL */
const gchar *const *po_policy_get_devices (PoPolicy *policy);
/* whether a desktop or server can be covered: devices is all, or names
 * desktop or server (phaseout runs on nothing else) */
gboolean po_policy_covers_hosts (PoPolicy *policy);
/* what the instrument says about replacing the software; may be NULL */
const gchar *po_policy_get_replacement (PoPolicy *policy);
/* in date order */
const PoMilestone *po_policy_get_milestones (PoPolicy *policy, guint *ret_n_milestones);
/* the last milestone, or NULL when the instrument sets no date */
const PoMilestone *po_policy_get_final_milestone (PoPolicy *policy);
/* organisation types; never NULL, possibly empty */
const gchar *const *po_policy_get_binds (PoPolicy *policy);
const gchar *const *po_policy_get_advises (PoPolicy *policy);
const gchar *const *po_policy_get_excludes (PoPolicy *policy);
/* how well one scope entry (an organisation type in binds, advises or
 * excludes, or "all") is sourced: its own confidence when the file gives
 * it one, else the policy's */
const gchar *po_policy_get_scope_confidence (PoPolicy *policy, const gchar *type);
/* the entry's own sources; *ret_n_sources is 0 when it cites none (then the
 * policy's sources stand for it) */
const PoSource *po_policy_get_scope_sources (PoPolicy *policy, const gchar *type,
                                             guint *ret_n_sources);
/* the entry's own note, or NULL */
const gchar *po_policy_get_scope_note (PoPolicy *policy, const gchar *type);
/* the scope in the instrument's words; may be NULL */
const gchar *po_policy_get_scope_description (PoPolicy *policy);
const PoSource *po_policy_get_sources (PoPolicy *policy, guint *ret_n_sources);
/* the sources' URLs, space-separated ("" when none has one) */
gchar *po_policy_get_source_urls (PoPolicy *policy);
const gchar *po_policy_get_notes (PoPolicy *policy);
/* "builtin" or the path of the file it was read from */
const gchar *po_policy_get_origin (PoPolicy *policy);
/* lower-case hex SHA-256 of the bytes of the file it was read from */
const gchar *po_policy_get_sha256 (PoPolicy *policy);

/* the policy names the vendor, whole or through one of its products */
gboolean po_policy_covers_vendor (PoPolicy *policy, const gchar *vendor_id);
/* TRUE for "all" policies whatever the category (also NULL: unknown) */
gboolean po_policy_covers_category (PoPolicy *policy, const gchar *category);
/*
 * Does the policy cover product_id (of category) of vendor_id; product_id
 * NULL (and category NULL) for the vendor's vendor-wide indicators.  A
 * vendor named whole covers its products in the policy's categories, and
 * its vendor-wide indicators only when the categories are "all" (the
 * category of a vendor-wide finding is unknown).  An entry vendor/product
 * covers that product whatever the categories, and never the vendor-wide
 * indicators (a publisher says "ByteDance", not "TikTok").
 */
gboolean po_policy_covers (PoPolicy *policy, const gchar *vendor_id, const gchar *product_id,
                           const gchar *category);

/*
 * What the policy means at `now` for an organisation of this profile, and
 * why in one sentence (ret_reason, free with g_free).  profile may be NULL
 * (no profile configured): then the policy is taken to apply as broadly as
 * its scope allows, and the reason says so.  Rules, in order: switched off
 * by the profile; other jurisdiction; other devices (the policy covers
 * classes of device this host is not: the profile's device-class, or a
 * desktop or server when it sets none); not issued yet at now; excluded (an
 * exclusion beats binds and advises); binding; advisory; out of scope.
 * Cannot fail.
 */
void po_policy_evaluate (PoPolicy *policy, PoProfile *profile, GDateTime *now,
                         PoApplicability *ret_applicability, gchar **ret_reason);

/* [{"kind":...,"date":"YYYY-MM-DD","time":...,"at":...,"description":...},...],
 * "[]" when none: time only when the policy gives one, at always (the
 * milestone's passed_at) */
gchar *po_policy_milestones_to_json (PoPolicy *policy);
/* {"binds":[...],"advises":[...],"excludes":[...],"entries":{TYPE:{"confidence":...,
 * "sources":[...],"note":...},...},"description":...}: every entry's confidence,
 * and the sources and note of those that have their own */
gchar *po_policy_scope_to_json (PoPolicy *policy);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoPolicy, po_policy_unref)

G_END_DECLS
