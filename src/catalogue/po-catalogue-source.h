/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "po-catalogue-load.h"

G_BEGIN_DECLS

/*
 * The catalogue in force for a process: loaded on first use, then kept,
 * and loaded again (keeping last-good files) when a policy file or
 * directory it came from changed.  Checking is a stat of each file and
 * directory, cheap next to a query; loading again passes the old
 * catalogue in, so a file that turned bad keeps its last good version.
 * One lock serialises checking and loading; the catalogues handed out are
 * immutable and need none.  The runtime keeps one (po_runtime_get_catalogue()).
 */
typedef struct _PoCatalogueSource PoCatalogueSource;

/* error is for failures of the source itself and is not set today: bad
 * files are problems inside the catalogue, never a failure */
PoCatalogueSource *po_catalogue_source_new (const PoCatalogueOptions *options, GError **error);
void po_catalogue_source_free (PoCatalogueSource *source);
/* the current catalogue, loaded (again) if needed: a new reference */
PoCatalogue *po_catalogue_source_get (PoCatalogueSource *source);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoCatalogueSource, po_catalogue_source_free)

G_END_DECLS
