/* SPDX-License-Identifier: Apache-2.0 */
#include "po-test-shim.h"

#include <gtest/gtest.h>

namespace po_test {

RuntimePtr
make_runtime (const std::vector<std::pair<std::string, std::string>> &flags)
{
  SettingsPtr settings (po_settings_new ());
  for (const auto &flag : flags)
    {
      GError *error = NULL;
      if (!po_settings_apply_flag (settings.get (), flag.first.c_str (), flag.second.c_str (),
                                   &error))
        {
          ADD_FAILURE () << flag.first << ": " << error->message;
          g_error_free (error);
          return RuntimePtr ();
        }
    }
  GError *error = NULL;
  PoRuntime *runtime = po_runtime_new (settings.get (), &error);
  if (runtime == NULL)
    {
      ADD_FAILURE () << error->message;
      g_error_free (error);
    }
  return RuntimePtr (runtime);
}

std::vector<std::vector<std::string>>
rows_as_strings (PoRows *rows)
{
  std::vector<std::vector<std::string>> out;
  const PoTableSchema *schema = po_rows_get_schema (rows);
  for (guint r = 0; r < po_rows_get_n_rows (rows); r++)
    {
      std::vector<std::string> row;
      for (guint c = 0; c < schema->n_columns; c++)
        {
          const gchar *cell = po_rows_get (rows, r, c);
          row.push_back (cell != NULL ? cell : "<NULL>");
        }
      out.push_back (row);
    }
  return out;
}

}  // namespace po_test
