/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "po-root.h"
#include "po-settings.h"

G_BEGIN_DECLS

/*
 * PoRuntime: everything a table's generate function may need beyond its
 * query: the settings, the host root, the clock, and (as later parts land)
 * the policy catalogue, the inventory caches and the state database.
 *
 * One runtime serves a whole process.  Generate functions run concurrently
 * (one Thrift worker per osquery connection), so everything reachable from
 * here is thread-safe.
 */
typedef struct _PoRuntime PoRuntime;

PoRuntime        *po_runtime_new           (const PoSettings *settings,
                                            GError          **error);
PoRuntime        *po_runtime_ref           (PoRuntime        *runtime);
void              po_runtime_unref         (PoRuntime        *runtime);

const PoSettings *po_runtime_get_settings  (PoRuntime        *runtime);
PoRoot           *po_runtime_get_root      (PoRuntime        *runtime);

/* the current time, or --now; in UTC */
GDateTime        *po_runtime_now           (PoRuntime        *runtime);

/*
 * Named event counters, e.g. "collector.deb", so tests can observe which
 * collectors a query ran (constraint pushdown).
 */
void              po_runtime_count         (PoRuntime        *runtime,
                                            const gchar      *counter);
guint64           po_runtime_get_count     (PoRuntime        *runtime,
                                            const gchar      *counter);

/*
 * Per-runtime components (the catalogue, the module-info cache, the state
 * database): created on first use by `create`, kept until the runtime is
 * freed, then released with `destroy`.  Creation is serialised, so two
 * concurrent queries get the same component; the component itself must be
 * thread-safe.
 */
typedef gpointer (*PoRuntimeComponentNew) (PoRuntime *runtime);

gpointer          po_runtime_get_component (PoRuntime             *runtime,
                                            const gchar           *name,
                                            PoRuntimeComponentNew  create,
                                            GDestroyNotify         destroy);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoRuntime, po_runtime_unref)

G_END_DECLS
