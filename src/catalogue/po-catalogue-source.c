/* SPDX-License-Identifier: Apache-2.0 */
/* The catalogue in force, loaded again when its files change (po-catalogue-source.h) */
#include "po-catalogue-source.h"

#include "po-catalogue-private.h"

struct _PoCatalogueSource {
  GMutex lock;
  PoCatalogueOptions *options;
  PoCatalogue *catalogue; /* NULL until first used */
};

PoCatalogueSource *
po_catalogue_source_new (const PoCatalogueOptions *options, GError **error)
{
  PoCatalogueSource *source = g_new0 (PoCatalogueSource, 1);

  g_mutex_init (&source->lock);
  source->options = po_catalogue_options_copy (options);
  return source;
}

void
po_catalogue_source_free (PoCatalogueSource *source)
{
  if (source == NULL)
    return;
  g_clear_pointer (&source->catalogue, po_catalogue_unref);
  po_catalogue_options_free (source->options);
  g_mutex_clear (&source->lock);
  g_free (source);
}

PoCatalogue *
po_catalogue_source_get (PoCatalogueSource *source)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&source->lock);

  if (source->catalogue == NULL || !po_catalogue_is_current (source->catalogue))
    {
      PoCatalogue *fresh = po_catalogue_load (source->options, source->catalogue);
      g_clear_pointer (&source->catalogue, po_catalogue_unref);
      source->catalogue = fresh;
    }
  return po_catalogue_ref (source->catalogue);
}
