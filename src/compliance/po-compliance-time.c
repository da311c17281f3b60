/* SPDX-License-Identifier: Apache-2.0 */
/* the timestamps the compliance tables show */
#include "po-compliance.h"

gchar *
po_compliance_format_time (gint64 seconds)
{
  g_autoptr (GDateTime) time = g_date_time_new_from_unix_utc (seconds);

  if (time == NULL)
    return NULL;
  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
}
