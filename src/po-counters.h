/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Named event counters ("collector.deb", "table.phaseout_info"), so tests
 * can observe which collectors a query ran (constraint pushdown) and which
 * tables were generated.  Thread-safe: generate functions run on several
 * threads.  One per runtime, shared (refcounted) with its inventory.
 */
typedef struct _PoCounters PoCounters;

PoCounters *po_counters_new (void);
PoCounters *po_counters_ref (PoCounters *counters);
void po_counters_unref (PoCounters *counters);
void po_counters_add (PoCounters *counters, const gchar *name);
guint64 po_counters_get (PoCounters *counters, const gchar *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoCounters, po_counters_unref)

G_END_DECLS
