/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Which of phaseout's tables a row comes from, and what the store keeps
 * of it.
 *
 * The query name in the log is the pack's query name with osquery's
 * prefix ("pack_phaseout_phaseout_status" with the default --pack_delimiter
 * "_", "pack/phaseout/phaseout_status" with "/", Fleet's
 * "pack/Global/phaseout_status"), or the bare name of a scheduled or
 * exported query ("phaseout_status", "banned_software"): the name's end
 * says the table.  A name that says nothing (a query renamed in Fleet,
 * fleetctl results) is recognised by its columns.
 */
#include <string.h>

#include "po-fleet-internal.h"

static gboolean
name_ends_with (const gchar *name, const gchar *table)
{
  gsize length = strlen (name), table_length = strlen (table);

  if (length < table_length || strcmp (name + length - table_length, table) != 0)
    return FALSE;
  /* the table name is the whole name or follows a delimiter */
  return length == table_length || !g_ascii_isalnum (name[length - table_length - 1]);
}

PoFleetKind
po_fleet_kind_from_name (const gchar *name)
{
  static const gchar *const seen[] = { "phaseout_info",           "phaseout_removals",
                                       "phaseout_history",        "phaseout_policies",
                                       "phaseout_vendor_drivers", "vendor_drivers" };

  if (name == NULL)
    return PO_FLEET_KIND_NONE;
  if (name_ends_with (name, "phaseout_status"))
    return PO_FLEET_KIND_STATUS;
  if (name_ends_with (name, "banned_software"))
    return PO_FLEET_KIND_FINDING;
  for (gsize i = 0; i < G_N_ELEMENTS (seen); i++)
    if (name_ends_with (name, seen[i]))
      return PO_FLEET_KIND_SEEN;
  return PO_FLEET_KIND_NONE;
}

PoFleetKind
po_fleet_kind_from_columns (JsonObject *columns)
{
  if (columns == NULL)
    return PO_FLEET_KIND_NONE;
  if (json_object_has_member (columns, "policy_id") && json_object_has_member (columns, "status")
      && json_object_has_member (columns, "findings"))
    return PO_FLEET_KIND_STATUS;
  if (json_object_has_member (columns, "policy_id")
      && json_object_has_member (columns, "required_action")
      && json_object_has_member (columns, "source") && json_object_has_member (columns, "name"))
    return PO_FLEET_KIND_FINDING;
  if (json_object_has_member (columns, "catalogue_sha256")
      || (json_object_has_member (columns, "policy_dirs")
          && json_object_has_member (columns, "version")))
    return PO_FLEET_KIND_SEEN;
  return PO_FLEET_KIND_NONE;
}

void
po_fleet_value_clear (PoFleetValue *value)
{
  g_clear_pointer (&value->status, g_free);
  g_clear_pointer (&value->detail, g_free);
  value->present = FALSE;
  value->findings = -1;
}

void
po_fleet_value_copy (PoFleetValue *dest, const PoFleetValue *src)
{
  if (dest == src)
    return;
  po_fleet_value_clear (dest);
  dest->present = src->present;
  dest->status = g_strdup (src->status);
  dest->findings = src->findings;
  dest->detail = g_strdup (src->detail);
}

gboolean
po_fleet_value_equal (const PoFleetValue *a, const PoFleetValue *b)
{
  return a->present == b->present && a->findings == b->findings
         && g_strcmp0 (a->status, b->status) == 0 && g_strcmp0 (a->detail, b->detail) == 0;
}

static gboolean
is_status (const gchar *status)
{
  static const gchar *const statuses[] = { "compliant", "action_required", "overdue", "advisory",
                                           "not_applicable" };

  for (gsize i = 0; i < G_N_ELEMENTS (statuses); i++)
    if (g_strcmp0 (status, statuses[i]) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
read_status (JsonObject *columns, PoFleetValue *value, GError **error)
{
  gchar buf[32];
  const gchar *status = po_fleet_column (columns, "status", buf);
  const gchar *findings = po_fleet_column (columns, "findings", buf);
  gint64 count = 0;

  if (!is_status (status))
    {
      g_set_error (error, PO_FLEET_ERROR, PO_FLEET_ERROR_INVALID_DATA,
                   "status %s%s%s is not one of compliant, action_required, overdue, advisory, "
                   "not_applicable",
                   status != NULL ? "\"" : "", status != NULL ? status : "missing",
                   status != NULL ? "\"" : "");
      return FALSE;
    }
  value->status = g_strdup (status);
  findings = po_fleet_column (columns, "findings", buf);
  if (findings != NULL && *findings != '\0')
    {
      guint64 parsed;

      if (!g_ascii_string_to_unsigned (findings, 10, 0, G_MAXINT32, &parsed, NULL))
        {
          g_set_error (error, PO_FLEET_ERROR, PO_FLEET_ERROR_INVALID_DATA,
                       "findings \"%s\" is not a count", findings);
          return FALSE;
        }
      count = (gint64) parsed;
    }
  value->findings = count;
  /* phaseout before issue 14 wrote "2024-09-29T00:00:00-04:00": the date */
  value->detail = po_fleet_date_normalize (po_fleet_column (columns, "deadline", buf));
  return TRUE;
}

/* a finding's key: what it is and where, not when it was seen (the pid
 * tells two processes of one program apart) */
static gchar *
finding_item (JsonObject *columns)
{
  gchar source_buf[32], name_buf[32], path_buf[32], pid_buf[32];
  const gchar *source = po_fleet_column (columns, "source", source_buf);
  const gchar *name = po_fleet_column (columns, "name", name_buf);
  const gchar *path = po_fleet_column (columns, "path", path_buf);
  const gchar *pid = po_fleet_column (columns, "pid", pid_buf);

  return g_strdup_printf ("%s:%s|%s|%s", source != NULL ? source : "", name != NULL ? name : "",
                          path != NULL ? path : "", pid != NULL ? pid : "");
}

gboolean
po_fleet_row_read (PoFleetKind kind, JsonObject *columns, gchar **ret_policy_id, gchar **ret_item,
                   PoFleetValue *ret_value, gchar **ret_engine, GError **error)
{
  gchar buf[32], engine_buf[32];
  const gchar *policy_id = po_fleet_column (columns, "policy_id", buf);
  const gchar *engine;
  PoFleetValue value = { TRUE, NULL, -1, NULL };
  g_autofree gchar *item = NULL;

  if (policy_id == NULL || *policy_id == '\0')
    {
      g_set_error_literal (error, PO_FLEET_ERROR, PO_FLEET_ERROR_INVALID_DATA,
                           "a row without policy_id");
      return FALSE;
    }
  if (kind == PO_FLEET_KIND_STATUS)
    {
      if (!read_status (columns, &value, error))
        {
          po_fleet_value_clear (&value);
          return FALSE;
        }
      item = g_strdup ("");
    }
  else
    {
      const gchar *product = po_fleet_column (columns, "product", buf);
      const gchar *vendor;

      if (po_fleet_column (columns, "source", buf) == NULL
          || po_fleet_column (columns, "name", buf) == NULL)
        {
          g_set_error_literal (error, PO_FLEET_ERROR, PO_FLEET_ERROR_INVALID_DATA,
                               "a banned_software row without source or name");
          return FALSE;
        }
      item = finding_item (columns);
      /* a vendor-wide finding (a vendor's install root, its module
       * signer) has no product: the vendor stands for it */
      if (product != NULL && *product != '\0')
        value.detail = g_strdup (product);
      else if ((vendor = po_fleet_column (columns, "vendor", buf)) != NULL && *vendor != '\0')
        value.detail = g_strdup_printf ("%s (vendor-wide)", vendor);
      else
        value.detail = g_strdup ("unknown");
    }
  engine = po_fleet_column (columns, "engine", engine_buf);
  *ret_policy_id = g_strdup (po_fleet_column (columns, "policy_id", buf));
  *ret_item = g_steal_pointer (&item);
  *ret_value = value;
  *ret_engine = engine != NULL && *engine != '\0' ? g_strdup (engine) : NULL;
  return TRUE;
}
