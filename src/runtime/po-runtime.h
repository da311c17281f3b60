/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "po-catalogue.h"
#include "po-compliance.h"
#include "po-counters.h"
#include "po-inventory.h"
#include "po-root.h"
#include "po-settings.h"
#include "po-state.h"

G_BEGIN_DECLS

/*
 * PoRuntime: everything a table's generate function may need beyond its
 * query, for one set of settings.  Its parts are typed fields, each built
 * once, on first use, under the runtime's lock, by a constructor that can
 * fail with a GError the caller sees:
 *
 *   settings, root, counters, clock   made with the runtime
 *   inventory                         the host's collectors and their caches
 *   catalogue                         the catalogue in force, reloaded on change
 *   profile                           the organisation profile, reloaded on change
 *   state                             the detection-history database
 *   compliance index                  what compliance derives from the catalogue
 *
 * The layers below (catalogue, inventory, state, compliance) do not know
 * the runtime: it hands each what it needs.  One runtime serves a whole
 * process; generate functions run concurrently (one Thrift worker per
 * osquery connection), so everything reachable from here is thread-safe.
 */
typedef struct _PoRuntime PoRuntime;

PoRuntime *po_runtime_new (const PoSettings *settings, GError **error);
PoRuntime *po_runtime_ref (PoRuntime *runtime);
void po_runtime_unref (PoRuntime *runtime);

const PoSettings *po_runtime_get_settings (PoRuntime *runtime);
PoRoot *po_runtime_get_root (PoRuntime *runtime);

/* the current time, or --now; in UTC */
GDateTime *po_runtime_now (PoRuntime *runtime);

/*
 * Named event counters, e.g. "collector.deb" (counted by the inventory)
 * and "table.phaseout_info", so tests can observe which collectors a
 * query ran (constraint pushdown).
 */
void po_runtime_count (PoRuntime *runtime, const gchar *counter);
guint64 po_runtime_get_count (PoRuntime *runtime, const gchar *counter);

/* the inventory of the runtime's root; never NULL */
PoInventory *po_runtime_get_inventory (PoRuntime *runtime);

/*
 * The catalogue for the runtime's settings (--policy-dir, or the default
 * directory): loaded on first use and again, keeping last-good files,
 * when a policy file or directory changed.  A new reference; bad files do
 * not make it fail (they are problems inside the catalogue).
 */
PoCatalogue *po_runtime_get_catalogue (PoRuntime *runtime, GError **error);

/*
 * The organisation profile: the [profile] group of the --config file (or
 * of the default config, when it exists) with the options set through
 * po_runtime_set_profile_option() on top; po-profile-source.h says what
 * happens to a file or option that is rejected.  *ret_profile is a new
 * reference, or NULL when nothing is configured.  An explicit --config
 * that is missing is an error.
 */
gboolean po_runtime_get_profile (PoRuntime *runtime, PoProfile **ret_profile, GError **error);
/* what was configured but is not in force (po_profile_source_get_problem()) */
gchar *po_runtime_get_profile_problem (PoRuntime *runtime);
/* an osquery option (custom_phaseout_jurisdictions, ...) for the profile
 * (po_profile_source_set_option()) */
gboolean po_runtime_set_profile_option (PoRuntime *runtime, const gchar *key, const gchar *value,
                                        GError **error);

/* the state database for the settings (po_settings_get_state_db()); a
 * borrowed pointer, valid for the runtime's life */
PoState *po_runtime_get_state (PoRuntime *runtime, GError **error);

/* the compliance index of the catalogue in force: a new reference */
PoComplianceIndex *po_runtime_get_compliance_index (PoRuntime *runtime, GError **error);

/*
 * A compliance scan (po_compliance_scan()) with the runtime's catalogue,
 * profile, clock, inventory and state database.  FALSE only when the
 * catalogue or the profile cannot be had at all.
 */
gboolean po_runtime_scan (PoRuntime *runtime, const PoScanFilter *filter, PoScan **ret_scan,
                          GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoRuntime, po_runtime_unref)

G_END_DECLS
