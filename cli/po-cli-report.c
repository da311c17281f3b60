/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `phaseout report`: the compliance summary of this machine, for a person
 * at a terminal.  Everything in it comes from the same tables osquery
 * queries, through the embedded engine, so the report and the fleet's view
 * never disagree.
 */
#include "po-cli.h"
#include "po-table.h"

static gboolean
query (PoRuntime *runtime, const gchar *sql, PoResult **ret_result, GError **error)
{
  return po_engine_query (runtime, sql, ret_result, error);
}

static const gchar *
cell (PoResult *result, guint row, guint column)
{
  const gchar *value = g_ptr_array_index ((GPtrArray *) result->rows->pdata[row], column);
  return value != NULL ? value : "";
}

static gboolean
report_header (PoRuntime *runtime, GString *out, GError **error)
{
  g_autoptr(PoResult) info = NULL;
  g_autofree gchar *hostname = g_strdup (g_get_host_name ());

  if (!query (runtime, "SELECT version, root, config, config_present, policy_dirs, clock, "
                       "clock_injected FROM phaseout_info", &info, error))
    return FALSE;
  g_string_append_printf (out, "phaseout %s compliance report for %s\n", cell (info, 0, 0),
                          hostname);
  g_string_append_printf (out, "  evaluated at  %s%s\n", cell (info, 0, 5),
                          g_str_equal (cell (info, 0, 6), "1") ? " (--now)" : "");
  g_string_append_printf (out, "  host root     %s\n", cell (info, 0, 1));
  g_string_append_printf (out, "  profile       %s%s\n", cell (info, 0, 2),
                          g_str_equal (cell (info, 0, 3), "1") ? "" : " (not present)");
  g_string_append_printf (out, "  policy dirs   %s\n", cell (info, 0, 4));
  return TRUE;
}

static gboolean
report_policies (PoRuntime *runtime, GString *out, GError **error)
{
  g_autoptr(PoResult) policies = NULL;

  if (po_tables_lookup ("phaseout_policies") == NULL)
    return TRUE;
  if (!query (runtime, "SELECT id, applicability, reason FROM phaseout_policies ORDER BY id",
              &policies, error))
    return FALSE;
  g_string_append_printf (out, "\nPolicies in the catalogue: %u\n", policies->rows->len);
  for (guint r = 0; r < policies->rows->len; r++)
    g_string_append_printf (out, "  %-24s %-14s %s\n", cell (policies, r, 0),
                            cell (policies, r, 1), cell (policies, r, 2));
  return TRUE;
}

gboolean
po_cli_report (PoRuntime *runtime, GString *out, GError **error)
{
  return report_header (runtime, out, error) && report_policies (runtime, out, error);
}
