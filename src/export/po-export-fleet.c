/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fleet's YAML: the compiled policies as Fleet policies, and the
 * extension's tables in SQL (po-export-status.c) as Fleet queries, whose
 * results land in Fleet's query reports.  Each in the three files Fleet
 * reads them from (PoExportFleetFormat): `fleetctl apply` documents, the
 * policies: or queries: key of a GitOps default or team file, and the
 * list a GitOps `- path:` entry names (lib/NAME.policies.yml).
 *
 * The YAML is written by hand, not by a library: it is a fixed shape
 * (mappings of scalars), so the only care needed is in the scalars, and
 * po_export_yaml_scalar() takes it: a literal block for multi-line text
 * only when every character can stand in one (YAML 1.1 parsers, such as
 * Fleet's, also break lines at U+0085, U+2028 and U+2029), else a
 * double-quoted string with the escapes JSON and YAML share.  The tests
 * read the output as Fleet does (tests/export/fleet-parser.cc).
 */
#include <string.h>

#include "po-error.h"
#include "po-export-private.h"

/* ---- YAML scalars ----------------------------------------------------------- */

/* a character that cannot appear as itself in a YAML scalar */
static gboolean
yaml_needs_escape (gunichar c)
{
  return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029
         || c == 0xfeff || c == 0xfffe || c == 0xffff;
}

/* whether value can be a literal block scalar (|-) and read back the same */
static gboolean
yaml_block_safe (const gchar *value)
{
  gsize len = strlen (value);

  if (strchr (value, '\n') == NULL)
    return FALSE;
  /* the first line sets the indentation; a trailing newline would be
   * stripped by |-; trailing blanks are invisible to a reviewer */
  if (value[0] == ' ' || value[0] == '\n' || value[len - 1] == '\n' || value[len - 1] == ' ')
    return FALSE;
  for (const gchar *p = value; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (c == '\n')
        {
          if (p > value && p[-1] == ' ')
            return FALSE;
          continue;
        }
      if (yaml_needs_escape (c))
        return FALSE;
    }
  return TRUE;
}

static gchar *
yaml_double_quoted (const gchar *value)
{
  GString *out = g_string_new ("\"");

  for (const gchar *p = value; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      switch (c)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        default:
          if (yaml_needs_escape (c))
            g_string_append_printf (out, "\\u%04X", c);
          else
            g_string_append_unichar (out, c);
        }
    }
  g_string_append_c (out, '"');
  return g_string_free (out, FALSE);
}

gchar *
po_export_yaml_scalar (const gchar *value, guint indent)
{
  g_autofree gchar *valid = g_utf8_make_valid (value != NULL ? value : "", -1);
  g_autoptr (GString) out = NULL;
  const gchar *line;

  if (!yaml_block_safe (valid))
    return yaml_double_quoted (valid);
  out = g_string_new ("|-");
  line = valid;
  while (line != NULL)
    {
      const gchar *end = strchr (line, '\n');
      gsize length = end != NULL ? (gsize) (end - line) : strlen (line);

      g_string_append_c (out, '\n');
      if (length > 0)
        {
          g_string_append_printf (out, "%*s", (int) indent + 2, "");
          g_string_append_len (out, line, (gssize) length);
        }
      line = end != NULL ? end + 1 : NULL;
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* ---- the three files ------------------------------------------------------ */

static void
yaml_field (GString *out, const gchar *key, const gchar *value)
{
  g_autofree gchar *scalar = po_export_yaml_scalar (value, 2);
  g_string_append_printf (out, "  %s: %s\n", key, scalar);
}

/*
 * Starts one item: a `fleetctl apply` document of kind, or an item of a
 * GitOps list.  Either way the item's keys follow at an indentation of 2,
 * the first on this line (after "spec:\n  " or "- ").
 */
static void
begin_item (GString *out, PoExportFleetFormat format, const gchar *kind)
{
  if (format == PO_EXPORT_FLEET_APPLY)
    {
      /* every document starts with its separator: fleetctl apply cuts the
       * file at each "---" line and refuses a piece without kind and spec */
      g_string_append (out, out->len == 0 ? "" : "---\n");
      g_string_append_printf (out, "apiVersion: v1\nkind: %s\nspec:\n  ", kind);
      return;
    }
  g_string_append (out, "- ");
}

/*
 * text with every '$' escaped the way `fleetctl gitops` unescapes it
 * before it reads the YAML (spec.ExpandEnvBytes): 2k+1 backslashes and a
 * '$' stand for k backslashes and a '$' that is not a variable.  Applied to
 * the YAML text as written, so it holds inside quoted scalars too.
 */
static gchar *
escape_fleet_variables (const gchar *text)
{
  GString *out = g_string_sized_new (strlen (text));

  for (const gchar *p = text; *p != '\0'; p++)
    {
      gsize run = 0;

      while (p[run] == '\\')
        run++;
      if (p[run] == '$')
        {
          for (gsize i = 0; i < 2 * run + 1; i++)
            g_string_append_c (out, '\\');
          g_string_append_c (out, '$');
          p += run;
          continue;
        }
      g_string_append_len (out, p, (gssize) (run > 0 ? run : 1));
      p += run > 0 ? run - 1 : 0;
    }
  return g_string_free (out, FALSE);
}

/*
 * A list written at column 0 as the value of key at the top of a file:
 * every line that is not empty moves right by 2, which keeps the list and
 * the literal blocks in it what they were (a block's indentation is
 * relative to its key's).
 */
static void
append_under_key (GString *out, const gchar *key, const gchar *list)
{
  const gchar *line = list;

  g_string_append_printf (out, "%s:\n", key);
  while (*line != '\0')
    {
      const gchar *end = strchr (line, '\n');
      gsize length = end != NULL ? (gsize) (end - line) + 1 : strlen (line);

      if (line[0] != '\n')
        g_string_append (out, "  ");
      g_string_append_len (out, line, (gssize) length);
      line += length;
    }
}

/*
 * The file of format around items (written by begin_item() and the
 * fields), with the comment lines of header.  what is "policies" or
 * "queries": the GitOps key, and the lib file's name.
 */
static void
write_file (GString *out, PoExportFleetFormat format, const gchar *what, const gchar *header,
            const gchar *items)
{
  g_autofree gchar *escaped = NULL;

  if (format == PO_EXPORT_FLEET_APPLY)
    {
      /* the comment goes inside the first document: before the first "---"
       * it would be a piece of its own, which fleetctl apply refuses */
      g_string_append_printf (
        out,
        "---\n%s"
        "# Apply with: fleetctl apply -f FILE (FILE ending in .yml or .yaml)\n",
        header);
      g_string_append (out, items);
      return;
    }
  /* fleetctl gitops expands $NAME and ${NAME} everywhere in the file,
   * comments included, before it reads the YAML */
  escaped = escape_fleet_variables (items);
  g_string_append (out, header);
  if (format == PO_EXPORT_FLEET_GITOPS_LIB)
    {
      g_string_append_printf (out,
                              "# Fleet's GitOps form: the file that a policies: or queries: entry\n"
                              "# of default.yml or of a team's file names, for example as\n"
                              "#   %s:\n"
                              "#     - path: ../lib/phaseout.%s.yml\n",
                              what, what);
      g_string_append (out, escaped);
      return;
    }
  g_string_append_printf (
    out,
    "# Fleet's GitOps form: the %s: key of default.yml or of a team's file\n"
    "# (teams/NAME.yml).  Put it in that file; do not apply it alone:\n"
    "# fleetctl gitops needs the file's other keys too (org_settings: in\n"
    "# default.yml, name: in a team's file) and clears what a file leaves\n"
    "# out.  If the file has a %s: key already, add these items to it.\n"
    "# For a file of their own, named by `- path:`, use --format gitops-lib.\n",
    what, what);
  append_under_key (out, what, escaped);
}

/* ---- policies --------------------------------------------------------------- */

typedef struct {
  GString *items;
  PoExportFleetFormat format;
} FleetEmit;

static void
emit_policy (PoCatalogue *catalogue, PoExportQuery *query, const PoExportOptions *options,
             gpointer user_data)
{
  FleetEmit *emit = user_data;
  GString *out = emit->items;
  PoPolicy *policy = po_export_query_get_policy (query);
  g_autofree gchar *name = po_export_fleet_policy_name (catalogue, query);
  g_autofree gchar *description = po_export_describe (catalogue, query, TRUE);
  g_autofree gchar *fix = po_export_resolution (catalogue, query);
  g_autofree gchar *name_scalar = po_export_yaml_scalar (name, 2);

  begin_item (out, emit->format, "policy");
  g_string_append_printf (out, "name: %s\n", name_scalar);
  g_string_append_printf (out, "  platform: %s\n",
                          po_export_platform_to_string (po_export_query_get_platform (query)));
  g_string_append_printf (out, "  critical: %s\n",
                          po_policy_get_binding (policy) ? "true" : "false");
  if (options->team != NULL)
    yaml_field (out, "team", options->team);
  yaml_field (out, "description", description);
  yaml_field (out, "resolution", fix);
  yaml_field (out, "query", po_export_query_get_policy_sql (query));
}

/* a team is for `fleetctl apply`; in GitOps the file sets it */
static gboolean
check_team (const PoExportOptions *options, GError **error)
{
  if (options->fleet_format != PO_EXPORT_FLEET_APPLY && options->team != NULL)
    {
      g_set_error_literal (error, PO_ERROR, PO_ERROR_INVALID_ARGUMENT,
                           "a team is for the fleetctl apply form; in GitOps the team's file "
                           "(its name: key) sets it");
      return FALSE;
    }
  return TRUE;
}

gboolean
po_export_fleet_policies (PoCatalogue *catalogue, GPtrArray *policies,
                          const PoExportOptions *options, GString *out, GString *notes,
                          GError **error)
{
  g_autoptr (GString) items = g_string_new (NULL);
  g_autofree gchar *header = NULL;
  FleetEmit emit = { items, options->fleet_format };

  g_return_val_if_fail (catalogue != NULL, FALSE);
  g_return_val_if_fail (options != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!check_team (options, error))
    return FALSE;
  if (po_export_for_each_query (catalogue, policies, options, notes, TRUE, emit_policy, &emit) == 0)
    return po_export_nothing_exported (error);
  header = g_strdup_printf (
    "# Fleet policies compiled by phaseout %s from its policy catalogue.\n"
    "# A Fleet policy passes when its query returns a row; each query here\n"
    "# returns one when none of the software its policy covers is found.\n",
    PHASEOUT_VERSION);
  write_file (out, options->fleet_format, "policies", header, items->str);
  return TRUE;
}

/* ---- queries ------------------------------------------------------------------ */

gchar *
po_export_fleet_query_name (PoExportPlatform platform, PoExportTable table)
{
  return g_strdup_printf ("phaseout (%s): %s", po_export_platform_get_title (platform),
                          po_export_table_to_string (table));
}

static void
emit_table_query (GString *out, PoCatalogue *catalogue, GPtrArray *policies,
                  const PoExportOptions *options, PoExportPlatform platform, PoExportTable table,
                  GString *notes)
{
  g_autofree gchar *name = po_export_fleet_query_name (platform, table);
  g_autofree gchar *name_scalar = po_export_yaml_scalar (name, 2);
  g_autofree gchar *description = po_export_table_description (table, platform);
  g_autofree gchar *sql = po_export_table_sql (catalogue, policies, options->profile, platform,
                                               table, notes);

  begin_item (out, options->fleet_format, "query");
  g_string_append_printf (out, "name: %s\n", name_scalar);
  g_string_append_printf (out, "  platform: %s\n", po_export_platform_to_string (platform));
  g_string_append_printf (out, "  interval: %u\n",
                          options->interval != 0 ? options->interval : 3600);
  /* Fleet keeps a query report only of snapshot results it does not
   * discard; automations (the log destination) stay the administrator's
   * choice */
  g_string_append (out, "  logging: snapshot\n");
  g_string_append (out, "  discard_data: false\n");
  g_string_append (out, "  automations_enabled: false\n");
  if (options->team != NULL)
    yaml_field (out, "team", options->team);
  yaml_field (out, "description", description);
  yaml_field (out, "query", sql);
}

gboolean
po_export_fleet_queries (PoCatalogue *catalogue, GPtrArray *policies,
                         const PoExportOptions *options, GString *out, GString *notes,
                         GError **error)
{
  g_autoptr (GString) items = g_string_new (NULL);
  g_autofree gchar *header = NULL;
  guint mask = options->platforms != 0 ? options->platforms : PO_EXPORT_PLATFORMS_ALL;

  g_return_val_if_fail (catalogue != NULL, FALSE);
  g_return_val_if_fail (options != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!check_team (options, error))
    return FALSE;
  if (options->interval > PO_EXPORT_PACK_MAX_INTERVAL)
    {
      g_set_error (error, PO_ERROR, PO_ERROR_INVALID_ARGUMENT,
                   "interval %u is over %u seconds (7 days), the most osquery schedules: "
                   "it would drop the query",
                   options->interval, PO_EXPORT_PACK_MAX_INTERVAL);
      return FALSE;
    }
  for (guint p = 0; p < PO_EXPORT_PLATFORM_N; p++)
    {
      if ((mask & (1u << p)) == 0)
        continue;
      for (guint t = 0; t < PO_EXPORT_TABLE_N; t++)
        emit_table_query (items, catalogue, policies, options, (PoExportPlatform) p,
                          (PoExportTable) t, t == 0 ? notes : NULL);
    }
  header = g_strdup_printf (
    "# Fleet queries compiled by phaseout %s from its policy catalogue: its\n"
    "# phaseout_status and banned_software tables in plain osquery SQL, one\n"
    "# query each per platform, for hosts without the phaseout extension.\n"
    "# Their results land in Fleet's query reports (at most 1000 rows per\n"
    "# query unless the report cap is raised).\n",
    PHASEOUT_VERSION);
  write_file (out, options->fleet_format, "queries", header, items->str);
  return TRUE;
}
