/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "po-catalogue.h"
#include "po-inventory.h"
#include "po-state.h"

G_BEGIN_DECLS

/*
 * Compliance: the inventory matched against the catalogue, per policy, with
 * deadlines and history.  Shared by banned_software, phaseout_status,
 * phaseout_history and vendor_drivers, so that every table (and the
 * `phaseout report` summary built on them) agrees.  README.md in this
 * directory states the rules; the comments here say what each call does.
 *
 * Compliance does not know the runtime: a scan is given what it needs
 * (PoScanInputs), and the runtime (po-runtime.h) is what gathers it.
 */

/* ---- what compliance derives from a catalogue --------------------------- */

/*
 * A catalogue with what compliance derives from it once (an index of
 * vendor names, the kernel-module attributions made so far), so a query
 * does not derive it again (po-compliance-index.c).  Refcounted and
 * thread-safe; keeps a reference to its catalogue.  error is for failures
 * of the index itself and is not set today.
 */
typedef struct _PoComplianceIndex PoComplianceIndex;

PoComplianceIndex *po_compliance_index_new (PoCatalogue *catalogue, GError **error);
PoComplianceIndex *po_compliance_index_ref (PoComplianceIndex *index);
void po_compliance_index_unref (PoComplianceIndex *index);
PoCatalogue *po_compliance_index_get_catalogue (PoComplianceIndex *index);

/* ---- findings ----------------------------------------------------------- */

/*
 * One thing on this endpoint that a catalogue indicator attributes to a
 * vendor (and product, unless the indicator is vendor-wide).  Objects are
 * borrowed from the scan's catalogue.
 */
typedef struct {
  PoFindingSource source;
  PoVendor *vendor;
  PoProduct *product;      /* NULL: vendor-wide */
  gchar *indicator;        /* "<kind>:<pattern>", e.g. "linux.deb_package:kesl",
                                  * or "vendor-name:<alias>" for a module signer or
                                  * author equal to one of the vendor's names */
  const gchar *confidence; /* the indicator's: verified, corroborated, weak */
  gchar *key;              /* "<source>:<name>": the finding in the history */
  gchar *name;             /* package, process, unit or module name; the path */
  gchar *version;
  gchar *path;
  gint64 pid; /* -1 unless a process */
} PoFinding;

void po_finding_free (PoFinding *finding);

/* ---- policy status ------------------------------------------------------ */

typedef enum {
  PO_STATUS_COMPLIANT,
  PO_STATUS_ACTION_REQUIRED,
  PO_STATUS_OVERDUE,
  PO_STATUS_ADVISORY,
  PO_STATUS_NOT_APPLICABLE,
} PoStatus;

/* "compliant", "action_required", "overdue", "advisory", "not_applicable" */
const gchar *po_status_to_string (PoStatus status);

typedef struct _PoPolicyResult PoPolicyResult;

/* a finding as one policy sees it: one banned_software row */
typedef struct {
  PoFinding *finding;
  PoPolicyResult *policy;
  gint64 first_seen; /* seconds since the epoch; 0: no history */
  gint64 last_seen;
} PoMatch;

/*
 * What one policy means for this endpoint now.  Dates are calendar dates,
 * YYYY-MM-DD (a milestone's as the policy writes it, without its time of
 * day); each has an instant beside it, in seconds since the epoch: the
 * second from which the milestone or deadline counts as passed (the
 * milestone's passed_at; for a grace-period end, the next day's 00:00 UTC).
 */
struct _PoPolicyResult {
  PoPolicy *policy;
  PoApplicability applicability;
  gchar *reason;
  gboolean applies;
  GPtrArray *matches; /* PoMatch*, borrowed from the scan */
  PoStatus status;
  gint64 first_detected;       /* earliest first_seen of the matches; 0: unknown */
  const gchar *next_milestone; /* kind ("begin-removal", "grace-period-end"), or NULL */
  gchar *next_milestone_date;
  gint64 next_milestone_at;     /* 0 without a next milestone */
  gchar *deadline;              /* the last milestone, or the grace-period end, or NULL */
  gint64 deadline_at;           /* 0 without a deadline */
  const gchar *deadline_source; /* "policy", "grace_period" or NULL */
  gboolean has_days;            /* days_remaining is set */
  gint64 days_remaining;        /* to the deadline; negative once it has passed */
  gchar *required_action;       /* one line: what the policy asks of a finding */
  gchar *advice;                /* one line: what to do now; NULL when nothing */
  guint n_unconfirmed;          /* matches whose finding rests on a weak indicator */
  gchar *unconfirmed_action;    /* required_action for those; NULL without any */
};

/*
 * Whether a finding counts for a policy's status: its indicator is verified
 * or corroborated.  A weak indicator (one source) is listed, but nothing
 * unconfirmed makes a policy action_required, overdue or advisory.
 */
gboolean po_finding_is_confirmed (const PoFinding *finding);

/* ---- scans -------------------------------------------------------------- */

/*
 * What a query asks for.  NULL lists mean "all"; sources is a bit mask of
 * (1 << PoFindingSource).  These are the pushed-down constraints of
 * banned_software: they decide which policies are evaluated, which vendors'
 * and products' indicators are matched, and so which collectors run.
 */
typedef struct {
  const gchar *const *policy_ids;
  const gchar *const *vendors;
  const gchar *const *categories;
  guint sources;
} PoScanFilter;

/* a filter that asks for everything */
#define PO_SCAN_FILTER_INIT                  \
  {                                          \
    NULL, NULL, NULL, PO_FINDING_SOURCES_ALL \
  }

typedef struct {
  PoCatalogue *catalogue;
  PoProfile *profile; /* NULL: none configured */
  GDateTime *now;
  GPtrArray *policies; /* PoPolicyResult*, the policies the filter lets through, id order */
  GPtrArray *findings; /* PoFinding* */
  GPtrArray *matches;  /* PoMatch*, by policy then finding */
  gboolean history;    /* first_seen/last_seen/first_detected are known */
  guint sources_run;   /* mask of the collectors that ran */
} PoScan;

void po_scan_free (PoScan *scan);

/* what a scan works from */
typedef struct {
  PoComplianceIndex *index; /* the catalogue, and what is derived from it */
  PoProfile *profile;       /* NULL: none configured */
  GDateTime *now;
  PoInventory *inventory; /* the host */
  PoState *state;         /* the detection history (po_state_get_path() NULL: off) */
} PoScanInputs;

/*
 * Runs a scan: evaluates the catalogue's policies against the profile,
 * runs the collectors the applicable policies (within the filter) need,
 * matches what they find, records the result in the state database
 * (po-state.h: new findings, refreshed ones, and removals when the scan
 * was complete for a policy and source) and works out each policy's
 * status.  A broken host source or state database means fewer findings or
 * no history, never a failure.  po_runtime_scan() gathers the inputs.
 */
PoScan *po_compliance_scan (const PoScanInputs *inputs, const PoScanFilter *filter);

/* does policy cover product (vendor-wide: NULL) of vendor */
gboolean po_compliance_policy_covers_owner (PoPolicy *policy, PoVendor *vendor, PoProduct *product);

/* the catalogue's policies that apply to profile at now and cover vendor
 * and product (NULL: vendor-wide): a new array of borrowed PoPolicy*, id order */
GPtrArray *po_compliance_get_covering_policies (PoCatalogue *catalogue, PoProfile *profile,
                                                GDateTime *now, PoVendor *vendor,
                                                PoProduct *product);

/* ---- kernel module attribution (vendor_drivers) ------------------------- */

/* how a module's vendor was decided; the values of vendor_drivers.attribution */
typedef enum {
  PO_ATTRIBUTION_NONE,
  PO_ATTRIBUTION_CATALOGUE, /* a catalogue indicator on the module name */
  PO_ATTRIBUTION_SIGNER,    /* the signer: a catalogue indicator or vendor name, or as is */
  PO_ATTRIBUTION_AUTHOR,    /* the author: likewise */
  PO_ATTRIBUTION_IN_TREE,   /* built in or intree=Y: the Linux kernel */
} PoAttributionKind;

/* NULL, "catalogue", "signer", "author", "in_tree" */
const gchar *po_attribution_kind_to_string (PoAttributionKind kind);

typedef struct {
  PoAttributionKind kind;
  gchar *vendor_name; /* who the module is attributed to, NULL when nobody */
  PoVendor *vendor;   /* the catalogue vendor, NULL when none */
  PoProduct *product; /* NULL unless a product indicator matched */
  gchar *indicator;   /* as PoFinding.indicator, NULL when none */
  const gchar *confidence;
} PoAttribution;

void po_attribution_clear (PoAttribution *attribution);

/*
 * Who a kernel module belongs to, in this order: a catalogue indicator on
 * its name; its signer, then its author, matched against catalogue
 * indicators and vendor names; in-tree (the Linux kernel); then the
 * author as written, then the signer as written (see README.md for why
 * the author comes before the signer).
 */
void po_compliance_attribute_module (PoComplianceIndex *index, const PoKernelModule *module,
                                     PoAttribution *ret_attribution);

/* ---- helpers shared by the tables --------------------------------------- */

/* what a milestone asks, by its date: "begin removal by 2017-12-12"; the
 * words of required_action (the export's SQL writes them too) */
gchar *po_compliance_milestone_action (const PoMilestone *milestone);

/* "2017-12-01T00:00:00Z" for seconds since the epoch (UTC) */
gchar *po_compliance_format_time (gint64 seconds);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoComplianceIndex, po_compliance_index_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoFinding, po_finding_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoScan, po_scan_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PoAttribution, po_attribution_clear)

G_END_DECLS
