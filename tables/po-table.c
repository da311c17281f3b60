/* SPDX-License-Identifier: Apache-2.0 */
#include "po-table.h"

#include "po-table-registry.h"

const PoTable *const *
po_tables_get_all (guint *ret_n_tables)
{
  if (ret_n_tables != NULL)
    *ret_n_tables = po_table_registry_n_tables;
  return po_table_registry;
}

const PoTable *
po_tables_lookup (const gchar *name)
{
  if (name == NULL)
    return NULL;
  for (guint i = 0; i < po_table_registry_n_tables; i++)
    if (g_str_equal (po_table_registry[i]->schema->name, name))
      return po_table_registry[i];
  return NULL;
}

gboolean
po_table_generate (const PoTable *table, PoRuntime *runtime, PoQueryContext *query, PoRows *rows,
                   GError **error)
{
  g_autofree gchar *counter = g_strconcat ("table.", table->schema->name, NULL);

  po_runtime_count (runtime, counter);
  if (!table->generate (runtime, query, rows, error))
    {
      /* never hand back half a result as if it were whole */
      while (po_rows_get_n_rows (rows) > 0)
        po_rows_discard_last (rows);
      g_debug ("%s: generate failed", table->schema->name);
      return FALSE;
    }
  return TRUE;
}
