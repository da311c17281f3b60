/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * TRUE when data is one strict RFC 8259 JSON value in UTF-8, with no
 * duplicate member names in any object and nesting at most 64 deep.
 * Otherwise *ret_problem says where ("LINE:COLUMN: what").
 */
gboolean po_json_check_strict (const gchar *data, gsize length, gchar **ret_problem);

G_END_DECLS
