/* SPDX-License-Identifier: Apache-2.0 */
/*
 * phaseout_info: one row of facts about the running phaseout, so an
 * administrator can check from the fleet which version and which settings
 * each endpoint runs with.  Which setting feeds which column is the
 * settings table's to say (PoSettingInfo.info_column).
 */
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "po-catalogue.h"
#include "po-runtime.h"
#include "po-schemas.h"
#include "po-state.h"
#include "po-table.h"

/*
 * One digest of the whole catalogue in force.  A policy's own sha256 does
 * not cover the vendor data it matches with, which a --policy-dir file
 * may replace; this covers both, so one value compares fleets.  Origins
 * are part of it: the same bytes from another file are another setup.
 */
static gchar *
catalogue_digest (PoCatalogue *catalogue)
{
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  GPtrArray *vendors = po_catalogue_get_vendors (catalogue);
  GPtrArray *policies = po_catalogue_get_policies (catalogue);

  for (guint i = 0; i < vendors->len; i++)
    {
      PoVendor *vendor = g_ptr_array_index (vendors, i);
      g_autofree gchar *line = g_strdup_printf ("vendor\t%s\t%s\t%s\n", po_vendor_get_id (vendor),
                                                po_vendor_get_origin (vendor),
                                                po_vendor_get_sha256 (vendor));
      g_checksum_update (checksum, (const guchar *) line, -1);
    }
  for (guint i = 0; i < policies->len; i++)
    {
      PoPolicy *policy = g_ptr_array_index (policies, i);
      g_autofree gchar *line = g_strdup_printf ("policy\t%s\t%s\t%s\n", po_policy_get_id (policy),
                                                po_policy_get_origin (policy),
                                                po_policy_get_sha256 (policy));
      g_checksum_update (checksum, (const guchar *) line, -1);
    }
  return g_strdup (g_checksum_get_string (checksum));
}

/*
 * Why the organisation profile is not the one configured, or NULL.  The
 * profile is looked at first, so a file changed since the last query is
 * judged as it is now; a missing --config, which fails the other tables,
 * is reported here rather than failing the table that explains it.
 */
static gchar *
profile_problem (PoRuntime *runtime)
{
  g_autoptr (PoProfile) profile = NULL;
  g_autoptr (GError) error = NULL;

  if (!po_runtime_get_profile (runtime, &profile, &error))
    return g_strdup (error->message);
  return po_runtime_get_profile_problem (runtime);
}

/* each setting with a column, its value in effect; text or a number, as
 * the column is declared */
static void
set_settings_columns (PoRuntime *runtime, PoRows *rows)
{
  const PoSettings *settings = po_runtime_get_settings (runtime);
  gboolean root_is_host = po_root_is_host (po_runtime_get_root (runtime));
  guint n_rows;
  const PoSettingInfo *table = po_settings_get_table (&n_rows);

  for (guint i = 0; i < n_rows; i++)
    {
      g_autofree gchar *value = NULL;
      gint column;

      if (table[i].info_column == NULL)
        continue;
      column = po_table_schema_find_column (&po_schema_phaseout_info, table[i].info_column);
      /* tests/unit/test-settings.cc checks every column named is there */
      g_return_if_fail (column >= 0);
      value = table[i].describe (settings, root_is_host);
      if (po_schema_phaseout_info.columns[column].type == PO_COLUMN_TEXT)
        po_rows_set_text (rows, column, value);
      else
        po_rows_set_int (rows, column, g_ascii_strtoll (value, NULL, 10));
    }
}

gboolean
po_table_phaseout_info_generate (PoRuntime *runtime, PoQueryContext *query, PoRows *rows,
                                 GError **error)
{
  const PoSettings *settings = po_runtime_get_settings (runtime);
  g_autofree gchar *glib_version = g_strdup_printf ("%u.%u.%u", glib_major_version,
                                                    glib_minor_version, glib_micro_version);
  const gchar *config = po_settings_get_config (settings);
  PoState *state = po_runtime_get_state (runtime, error);
  g_autoptr (PoCatalogue) catalogue = NULL;
  g_autoptr (GString) problem_messages = g_string_new (NULL);
  g_autoptr (GError) state_error = NULL;
  g_autofree gchar *config_problem = NULL;
  g_autofree gchar *digest = NULL;
  GPtrArray *problems;
  guint n_tables;
  struct stat st;

  if (state == NULL)
    return FALSE;
  /* what went wrong reaches the fleet here, not only the extension's log */
  catalogue = po_runtime_get_catalogue (runtime, error);
  if (catalogue == NULL)
    return FALSE;
  digest = catalogue_digest (catalogue);
  problems = po_catalogue_get_problems (catalogue);
  for (guint i = 0; i < problems->len; i++)
    {
      const PoCatalogueProblem *problem = g_ptr_array_index (problems, i);
      g_string_append_printf (problem_messages, "%s%s", i > 0 ? "\n" : "", problem->message);
    }
  po_state_check (state, &state_error);
  config_problem = profile_problem (runtime);

  po_tables_get_all (&n_tables);

  po_rows_add (rows);
  po_rows_set_text (rows, COL_PHASEOUT_INFO_VERSION, PHASEOUT_VERSION);
  po_rows_set_int (rows, COL_PHASEOUT_INFO_PID, getpid ());
  set_settings_columns (runtime, rows);
  /* the configuration is phaseout's own file, not host data: not under --root */
  po_rows_set_bool (rows, COL_PHASEOUT_INFO_CONFIG_PRESENT, stat (config, &st) == 0);
  po_rows_set_text (rows, COL_PHASEOUT_INFO_CONFIG_PROBLEM,
                    config_problem != NULL ? config_problem : "");
  po_rows_set_text (rows, COL_PHASEOUT_INFO_CATALOGUE_SHA256, digest);
  po_rows_set_int (rows, COL_PHASEOUT_INFO_POLICY_PROBLEMS, problems->len);
  po_rows_set_text (rows, COL_PHASEOUT_INFO_POLICY_PROBLEM_MESSAGES, problem_messages->str);
  po_rows_set_text (rows, COL_PHASEOUT_INFO_STATE_DB_PROBLEM,
                    state_error != NULL ? state_error->message : "");
  po_rows_set_bool (rows, COL_PHASEOUT_INFO_CLOCK_INJECTED, settings->now != NULL);
  po_rows_set_int (rows, COL_PHASEOUT_INFO_TABLES, n_tables);
  po_rows_set_text (rows, COL_PHASEOUT_INFO_SQLITE_VERSION, sqlite3_libversion ());
  po_rows_set_text (rows, COL_PHASEOUT_INFO_GLIB_VERSION, glib_version);
  return TRUE;
}
