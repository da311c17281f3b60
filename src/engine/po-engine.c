/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The embedded engine: each phaseout table as an eponymous-only SQLite
 * virtual table.
 *
 * Query planning (xBestIndex) follows osquery's virtual_table.cpp so that a
 * generate function sees the same constraints here as under osqueryd:
 *   - every usable constraint with an operator osquery knows is passed
 *     (plain columns count as indexed, as --extensions_default_index does),
 *     except range operators on TEXT columns, which osquery never passes;
 *   - nothing is omitted: SQLite re-checks every constraint, so generate
 *     may return a superset;
 *   - a REQUIRED column without a usable '=' makes the plan unusable.
 * The plan travels to xFilter in idxStr as "<colUsed>;<column>:<op>,...",
 * in argv order.
 */
#include "po-engine.h"

#include <errno.h>
#include <string.h>

#include "po-error.h"
#include "po-table.h"

typedef struct {
  const PoTable *table;
  PoRuntime *runtime;
  /*
   * po_engine_query()'s own connection, which lives for one statement:
   * cells go to SQLite without a copy (SQLITE_STATIC), so each PoRows a
   * scan made must outlive every value SQLite may still hold of it (an
   * aggregate keeps its best value by reference, a join re-filters the
   * table): they are kept until the connection closes, up to a bound
   * after which cells are copied again.  NULL on another program's
   * connection (the loadable extension), where cells are always copied.
   */
  GPtrArray *kept_rows;
  gsize kept_bytes;
} ModuleData;

/* what one table of one po_engine_query() statement may keep before copying again */
#define MAX_KEPT_BYTES (32u * 1024 * 1024)

typedef struct {
  sqlite3_vtab base;
  ModuleData *module;
} EngineTable;

typedef struct {
  sqlite3_vtab_cursor base;
  PoRows *rows;
  guint row;
  gboolean cells_static; /* rows are kept: cells go to SQLite uncopied */
} EngineCursor;

static void
module_data_free (void *data)
{
  ModuleData *module = data;

  po_runtime_unref (module->runtime);
  g_clear_pointer (&module->kept_rows, g_ptr_array_unref);
  g_free (module);
}

/*
** xConnect: declare the table from its schema.  Eponymous-only (no
** xCreate), so the table exists in every connection it is registered in.
*/
static int
engineConnect (sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **ret_vtab,
               char **ret_error)
{
  ModuleData *module = aux;
  g_autofree gchar *sql = po_table_schema_to_sql (module->table->schema);
  EngineTable *table;
  int rc;

  rc = sqlite3_declare_vtab (db, sql);
  if (rc != SQLITE_OK)
    {
      *ret_error = sqlite3_mprintf ("%s: cannot declare table: %s", module->table->schema->name,
                                    sqlite3_errmsg (db));
      return rc;
    }
  table = sqlite3_malloc (sizeof *table);
  if (table == NULL)
    return SQLITE_NOMEM;
  memset (table, 0, sizeof *table);
  table->module = module;
  *ret_vtab = &table->base;
  return SQLITE_OK;
}

static int
engineDisconnect (sqlite3_vtab *vtab)
{
  sqlite3_free (vtab);
  return SQLITE_OK;
}

static gboolean
op_is_passed (int op, PoColumnType type)
{
  switch (op)
    {
    case SQLITE_INDEX_CONSTRAINT_EQ:
    case SQLITE_INDEX_CONSTRAINT_MATCH:
    case SQLITE_INDEX_CONSTRAINT_LIKE:
    case SQLITE_INDEX_CONSTRAINT_GLOB:
    case SQLITE_INDEX_CONSTRAINT_REGEXP:
      return TRUE;
    case SQLITE_INDEX_CONSTRAINT_GT:
    case SQLITE_INDEX_CONSTRAINT_LE:
    case SQLITE_INDEX_CONSTRAINT_LT:
    case SQLITE_INDEX_CONSTRAINT_GE:
      return type != PO_COLUMN_TEXT;
    default:
      return FALSE;
    }
}

/*
** xBestIndex: see the comment at the top of the file for what is passed.
** Cost: a full scan runs every collector; each '=' on a column narrows
** what generate has to do, so plans with more '=' are preferred.
*/
static int
engineBestIndex (sqlite3_vtab *vtab, sqlite3_index_info *info)
{
  const PoTableSchema *schema = ((EngineTable *) vtab)->module->table->schema;
  g_autoptr (GString) plan = g_string_new (NULL);
  int argv_index = 0;
  guint n_equals = 0;

  g_string_printf (plan, "%" G_GUINT64_FORMAT ";", (guint64) info->colUsed);
  for (int i = 0; i < info->nConstraint; i++)
    {
      const struct sqlite3_index_constraint *constraint = &info->aConstraint[i];
      if (!constraint->usable || constraint->iColumn < 0
          || (guint) constraint->iColumn >= schema->n_columns)
        continue;
      if (!op_is_passed (constraint->op, schema->columns[constraint->iColumn].type))
        continue;
      info->aConstraintUsage[i].argvIndex = ++argv_index;
      info->aConstraintUsage[i].omit = 0;
      g_string_append_printf (plan, "%d:%d,", constraint->iColumn, constraint->op);
      if (constraint->op == SQLITE_INDEX_CONSTRAINT_EQ)
        n_equals++;
    }
  for (guint c = 0; c < schema->n_columns; c++)
    {
      gboolean constrained = FALSE;
      if (!(schema->columns[c].options & PO_COLUMN_REQUIRED))
        continue;
      for (int i = 0; i < info->nConstraint; i++)
        if (info->aConstraint[i].usable && info->aConstraint[i].iColumn == (int) c
            && info->aConstraint[i].op == SQLITE_INDEX_CONSTRAINT_EQ)
          constrained = TRUE;
      if (!constrained)
        return SQLITE_CONSTRAINT;
    }
  info->idxStr = sqlite3_mprintf ("%s", plan->str);
  if (info->idxStr == NULL)
    return SQLITE_NOMEM;
  info->needToFreeIdxStr = 1;
  info->estimatedCost = 1000000.0 / (1.0 + 10.0 * n_equals);
  info->estimatedRows = n_equals > 0 ? 10 : 1000;
  return SQLITE_OK;
}

static int
engineOpen (sqlite3_vtab *vtab, sqlite3_vtab_cursor **ret_cursor)
{
  EngineCursor *cursor = sqlite3_malloc (sizeof *cursor);

  if (cursor == NULL)
    return SQLITE_NOMEM;
  memset (cursor, 0, sizeof *cursor);
  *ret_cursor = &cursor->base;
  return SQLITE_OK;
}

/* the cursor is done with its rows: kept if SQLite got their cells uncopied, else freed */
static void
cursor_release_rows (EngineCursor *cursor)
{
  ModuleData *module = ((EngineTable *) cursor->base.pVtab)->module;

  if (cursor->rows == NULL)
    return;
  if (cursor->cells_static)
    {
      module->kept_bytes += po_rows_get_size (cursor->rows);
      g_ptr_array_add (module->kept_rows, g_steal_pointer (&cursor->rows));
    }
  else
    g_clear_pointer (&cursor->rows, po_rows_free);
}

static int
engineClose (sqlite3_vtab_cursor *base)
{
  EngineCursor *cursor = (EngineCursor *) base;

  cursor_release_rows (cursor);
  sqlite3_free (cursor);
  return SQLITE_OK;
}

static void
set_vtab_error (sqlite3_vtab *vtab, const gchar *message)
{
  sqlite3_free (vtab->zErrMsg);
  vtab->zErrMsg = sqlite3_mprintf ("%s", message);
}

/*
** xFilter: rebuild the query context from the plan and the values, then
** run the table's generate function once for this scan.
*/
static int
engineFilter (sqlite3_vtab_cursor *base, int idx_num, const char *idx_str, int argc,
              sqlite3_value **argv)
{
  EngineCursor *cursor = (EngineCursor *) base;
  ModuleData *module = ((EngineTable *) base->pVtab)->module;
  const PoTableSchema *schema = module->table->schema;
  g_autoptr (PoQueryContext) query = po_query_context_new (schema);
  g_autoptr (GError) error = NULL;
  const gchar *p = idx_str;
  guint64 columns_used;
  gchar *end;

  cursor_release_rows (cursor);
  cursor->row = 0;
  cursor->cells_static = module->kept_rows != NULL && module->kept_bytes < MAX_KEPT_BYTES;

  columns_used = g_ascii_strtoull (p, &end, 10);
  for (guint c = 0; c < schema->n_columns; c++)
    if (columns_used & (G_GUINT64_CONSTANT (1) << MIN (c, 63)))
      po_query_context_mark_used (query, c);
  p = *end == ';' ? end + 1 : end;
  for (int i = 0; i < argc && *p != '\0'; i++)
    {
      guint64 column = g_ascii_strtoull (p, &end, 10);
      gint64 op = g_ascii_strtoll (end + 1, &end, 10);
      const gchar *value = (const gchar *) sqlite3_value_text (argv[i]);
      p = *end == ',' ? end + 1 : end;
      /* a NULL never equals anything: dropping it only widens the scan,
       * and SQLite still filters the rows */
      if (value != NULL)
        po_query_context_add_constraint (query, (guint) column, (gint) op, value);
    }

  cursor->rows = po_rows_new (schema);
  if (!po_table_generate (module->table, module->runtime, query, cursor->rows, &error))
    {
      set_vtab_error (base->pVtab, error->message);
      return SQLITE_ERROR;
    }
  return SQLITE_OK;
}

static int
engineNext (sqlite3_vtab_cursor *base)
{
  ((EngineCursor *) base)->row++;
  return SQLITE_OK;
}

static int
engineEof (sqlite3_vtab_cursor *base)
{
  EngineCursor *cursor = (EngineCursor *) base;

  return cursor->rows == NULL || cursor->row >= po_rows_get_n_rows (cursor->rows);
}

/*
** xColumn: cells are text; convert by the declared type the way osquery
** does (an empty or unparsable number is NULL, an UNSIGNED BIGINT above
** 2^63-1 is NULL), so all front ends agree on every value.
*/
static int
engineColumn (sqlite3_vtab_cursor *base, sqlite3_context *context, int column)
{
  EngineCursor *cursor = (EngineCursor *) base;
  const PoTableSchema *schema = po_rows_get_schema (cursor->rows);
  const gchar *value = po_rows_get (cursor->rows, cursor->row, (guint) column);
  gchar *end = NULL;

  if (value == NULL)
    {
      sqlite3_result_null (context);
      return SQLITE_OK;
    }
  switch (schema->columns[column].type)
    {
    case PO_COLUMN_TEXT:
      sqlite3_result_text (context, value, -1,
                           cursor->cells_static ? SQLITE_STATIC : SQLITE_TRANSIENT);
      break;
    case PO_COLUMN_INTEGER:
    case PO_COLUMN_BIGINT:
      case PO_COLUMN_UNSIGNED_BIGINT: {
        gint64 number;
        errno = 0;
        number = g_ascii_strtoll (value, &end, 10);
        if (*value == '\0' || end == value || errno != 0)
          sqlite3_result_null (context);
        else
          sqlite3_result_int64 (context, number);
      }
      break;
      case PO_COLUMN_DOUBLE: {
        gdouble number = g_ascii_strtod (value, &end);
        if (*value == '\0' || *end != '\0')
          sqlite3_result_null (context);
        else
          sqlite3_result_double (context, number);
      }
      break;
    }
  return SQLITE_OK;
}

static int
engineRowid (sqlite3_vtab_cursor *base, sqlite3_int64 *ret_rowid)
{
  *ret_rowid = ((EngineCursor *) base)->row;
  return SQLITE_OK;
}

static const sqlite3_module engine_module = {
  /* iVersion    */ 0,
  /* xCreate     */ NULL, /* eponymous-only */
  /* xConnect    */ engineConnect,
  /* xBestIndex  */ engineBestIndex,
  /* xDisconnect */ engineDisconnect,
  /* xDestroy    */ NULL,
  /* xOpen       */ engineOpen,
  /* xClose      */ engineClose,
  /* xFilter     */ engineFilter,
  /* xNext       */ engineNext,
  /* xEof        */ engineEof,
  /* xColumn     */ engineColumn,
  /* xRowid      */ engineRowid,
  /* xUpdate     */ NULL,
  /* xBegin      */ NULL,
  /* xSync       */ NULL,
  /* xCommit     */ NULL,
  /* xRollback   */ NULL,
  /* xFindMethod */ NULL,
  /* xRename     */ NULL,
  /* xSavepoint  */ NULL,
  /* xRelease    */ NULL,
  /* xRollbackTo */ NULL,
  /* xShadowName */ NULL,
};

static gboolean
register_tables (sqlite3 *db, PoRuntime *runtime, gboolean keep_rows, GError **error)
{
  guint n_tables;
  const PoTable *const *tables = po_tables_get_all (&n_tables);

  for (guint i = 0; i < n_tables; i++)
    {
      ModuleData *module = g_new0 (ModuleData, 1);
      int rc;

      module->table = tables[i];
      module->runtime = po_runtime_ref (runtime);
      if (keep_rows)
        module->kept_rows = g_ptr_array_new_with_free_func ((GDestroyNotify) po_rows_free);
      /* create_module_v2 frees module with module_data_free even on failure */
      rc = sqlite3_create_module_v2 (db, tables[i]->schema->name, &engine_module, module,
                                     module_data_free);
      if (rc != SQLITE_OK)
        {
          g_set_error (error, PO_ERROR, PO_ERROR_FAILED, "cannot register table %s: %s",
                       tables[i]->schema->name, sqlite3_errmsg (db));
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
po_engine_register (sqlite3 *db, PoRuntime *runtime, GError **error)
{
  return register_tables (db, runtime, FALSE, error);
}

void
po_result_free (PoResult *result)
{
  if (result == NULL)
    return;
  g_ptr_array_unref (result->column_names);
  g_ptr_array_unref (result->rows);
  g_string_chunk_free (result->strings);
  g_free (result);
}

static void
close_db (sqlite3 *db)
{
  sqlite3_close_v2 (db);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3, close_db)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

gboolean
po_engine_query (PoRuntime *runtime, const gchar *sql, PoResult **ret_result, GError **error)
{
  g_autoptr (sqlite3) db = NULL;
  g_autoptr (sqlite3_stmt) statement = NULL;
  g_autoptr (PoResult) result = g_new0 (PoResult, 1);
  const char *tail = NULL;
  int n_columns;
  int rc;

  result->column_names = g_ptr_array_new_with_free_func (g_free);
  result->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  /* one chunk for every cell's text: a large result is not a malloc per cell */
  result->strings = g_string_chunk_new (16 * 1024);
  if (sqlite3_open_v2 (":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL)
      != SQLITE_OK)
    {
      g_set_error (error, PO_ERROR, PO_ERROR_FAILED, "cannot open an in-memory database: %s",
                   db != NULL ? sqlite3_errmsg (db) : "out of memory");
      return FALSE;
    }
  /* the connection closes after the result is copied: rows may be kept till then */
  if (!register_tables (db, runtime, TRUE, error))
    return FALSE;
  if (sqlite3_prepare_v2 (db, sql, -1, &statement, &tail) != SQLITE_OK)
    {
      g_set_error (error, PO_ERROR, PO_ERROR_INVALID_ARGUMENT, "%s", sqlite3_errmsg (db));
      return FALSE;
    }
  if (statement == NULL)
    {
      g_set_error_literal (error, PO_ERROR, PO_ERROR_INVALID_ARGUMENT, "no SQL statement given");
      return FALSE;
    }
  while (tail != NULL && g_ascii_isspace (*tail))
    tail++;
  if (tail != NULL && *tail != '\0' && *tail != ';')
    {
      g_set_error (error, PO_ERROR, PO_ERROR_INVALID_ARGUMENT,
                   "only one SQL statement at a time (extra text: \"%.40s\")", tail);
      return FALSE;
    }
  n_columns = sqlite3_column_count (statement);
  for (int c = 0; c < n_columns; c++)
    g_ptr_array_add (result->column_names, g_strdup (sqlite3_column_name (statement, c)));
  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    {
      GPtrArray *row = g_ptr_array_sized_new ((guint) n_columns);
      for (int c = 0; c < n_columns; c++)
        {
          const gchar *text = (const gchar *) sqlite3_column_text (statement, c);
          g_ptr_array_add (row,
                           text != NULL ? g_string_chunk_insert (result->strings, text) : NULL);
        }
      g_ptr_array_add (result->rows, row);
    }
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, PO_ERROR, PO_ERROR_FAILED, "%s", sqlite3_errmsg (db));
      return FALSE;
    }
  *ret_result = g_steal_pointer (&result);
  return TRUE;
}
