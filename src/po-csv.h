/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * One CSV field as RFC 4180 writes it: as is, or between double quotes
 * (inner quotes doubled) when it holds a comma, a quote, CR or LF.  NULL
 * is an empty field.  For `phaseout query --csv` and `phaseout fleet
 * report --csv`.
 */
void po_csv_append_field (GString *out, const gchar *value);

G_END_DECLS
