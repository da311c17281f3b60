/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The closed vocabularies of the policy format (po-vocabulary.c).  Files
 * may also use their own values prefixed "x-" (x-acme-subsidiary) for
 * categories and organisation types.  NULL-terminated, in documentation
 * order.
 */
const gchar *const *po_vocabulary_get_categories (void);
const gchar *const *po_vocabulary_get_organisation_types (void);
const gchar *const *po_vocabulary_get_milestone_kinds (void);
/* the classes of device a policy's "devices" names besides "all":
 * "mobile", "desktop", "server" */
const gchar *const *po_vocabulary_get_device_classes (void);
/* the type an organisation type implies ("municipality" -> "local-government"),
 * or NULL at the top or for unknown types */
const gchar *po_vocabulary_get_organisation_parent (const gchar *type);
/* the jurisdiction a type belongs to ("federal-contractor" -> "US"), or NULL
 * for types that mean the same everywhere */
const gchar *po_vocabulary_get_organisation_jurisdiction (const gchar *type);

G_END_DECLS
