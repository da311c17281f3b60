/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "po-settings.h"

G_BEGIN_DECLS

/*
 * phaseout.ext's command line.  osqueryd starts an autoloaded extension as
 *
 *   phaseout.ext [--verbose] --socket PATH --timeout SECONDS --interval SECONDS
 *
 * (flag and value as separate arguments); people also write --flag=value.
 * phaseout's own settings (--root, --config, --policy-dir, --state-db,
 * --now) are accepted the same ways.  An unknown flag is reported and
 * ignored, so a newer osqueryd passing a new flag cannot stop the
 * extension from starting.
 */
typedef struct {
  gchar      *socket;       /* the manager's socket */
  guint       timeout_s;    /* how long to wait for the manager at start */
  guint       interval_s;   /* how often to check the manager still knows us */
  gboolean    verbose;
  gboolean    help;
  gboolean    version;
  PoSettings *settings;
  GPtrArray  *ignored;      /* the unknown arguments, as given */
} PoExtFlags;

PoExtFlags *po_ext_flags_new   (void);
void        po_ext_flags_free  (PoExtFlags  *flags);
gboolean    po_ext_flags_parse (PoExtFlags  *flags,
                                int          argc,
                                char       **argv,
                                GError     **error);
const gchar *po_ext_flags_usage (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoExtFlags, po_ext_flags_free)

G_END_DECLS
