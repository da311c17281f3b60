/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What `phaseout export` writes: Fleet policy YAML, read back with libyaml
 * (a YAML 1.1 parser, as Fleet's is), and the osquery pack, read back with
 * json-glib; the queries in them are run again on the fixture hosts.
 */
#include "export-test-util.h"

#include <json-glib/json-glib.h>
#ifdef PO_HAVE_LIBYAML
#include <yaml.h>
#endif

using namespace po_test;

namespace {

struct ObjectUnref {
  void
  operator() (gpointer p) const
  {
    g_object_unref (p);
  }
};

/* the queries the built-in catalogue exports (policy, platform and part) */
size_t
n_builtin_queries (bool pass_fail, guint platforms = PO_EXPORT_PLATFORMS_ALL)
{
  size_t n = 0;

  /* every policy that reaches desktops and servers, platform and part with
   * something to look for; the Fleet form needs confirmed indicators */
  for (const auto &id : builtin_policy_ids ())
    for (PoExportPlatform platform : kPlatforms)
      {
        PoPolicy *policy = po_catalogue_lookup_policy (builtin_catalogue (), id.c_str ());
        const gchar *const *parts = po_export_platform_get_parts (platform);

        if (!po_policy_covers_hosts (policy) || (platforms & (1u << platform)) == 0)
          continue;
        for (gint k = -1; k < 0 || parts[k] != NULL; k++)
          {
            ExportQueryPtr query (po_export_query_new_part (builtin_catalogue (), policy, platform,
                                                            k < 0 ? NULL : parts[k]));
            if ((pass_fail ? po_export_query_get_policy_sql (query.get ())
                           : po_export_query_get_findings_sql (query.get ()))
                != NULL)
              n++;
          }
      }
  return n;
}

size_t
n_builtin_pairs ()
{
  return n_builtin_queries (true);
}

std::string
fleet_text (PoCatalogue *catalogue, GPtrArray *policies, const PoExportOptions &options)
{
  GString *out = g_string_new (NULL);
  GError *error = NULL;

  EXPECT_TRUE (po_export_fleet_policies (catalogue, policies, &options, out, NULL, &error))
    << (error != NULL ? error->message : "");
  g_clear_error (&error);
  std::string text (out->str, out->len);
  g_string_free (out, TRUE);
  return text;
}

std::string
pack_text (PoCatalogue *catalogue, GPtrArray *policies, const PoExportOptions &options)
{
  GString *out = g_string_new (NULL);
  GError *error = NULL;

  EXPECT_TRUE (po_export_pack (catalogue, policies, &options, out, NULL, &error))
    << (error != NULL ? error->message : "");
  g_clear_error (&error);
  std::string text (out->str, out->len);
  g_string_free (out, TRUE);
  return text;
}

size_t
count (const std::string &haystack, const std::string &needle)
{
  size_t n = 0;
  for (size_t at = haystack.find (needle); at != std::string::npos;
       at = haystack.find (needle, at + 1))
    n++;
  return n;
}

PoExportPlatform
platform_named (const std::string &name)
{
  guint mask = 0;
  EXPECT_TRUE (po_export_platform_parse (name.c_str (), &mask)) << name;
  for (PoExportPlatform platform : kPlatforms)
    if (mask == 1u << platform)
      return platform;
  return PO_EXPORT_PLATFORM_N;
}

#ifdef PO_HAVE_LIBYAML
/* a YAML document flattened: "spec.name" -> value, and which were plain */
struct YamlDoc {
  std::map<std::string, std::string> values;
  std::set<std::string> plain;
};

void
flatten (yaml_document_t *doc, yaml_node_t *node, const std::string &prefix, YamlDoc *out)
{
  switch (node->type)
    {
    case YAML_SCALAR_NODE:
      out->values[prefix] = std::string ((const char *) node->data.scalar.value,
                                         node->data.scalar.length);
      if (node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
        out->plain.insert (prefix);
      break;
    case YAML_MAPPING_NODE:
      for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
           pair < node->data.mapping.pairs.top; pair++)
        {
          yaml_node_t *key = yaml_document_get_node (doc, pair->key);
          yaml_node_t *value = yaml_document_get_node (doc, pair->value);
          std::string name ((const char *) key->data.scalar.value, key->data.scalar.length);
          flatten (doc, value, prefix.empty () ? name : prefix + "." + name, out);
        }
      break;
    default:
      out->values[prefix] = "<sequence>";
    }
}

::testing::AssertionResult
parse_yaml (const std::string &text, std::vector<YamlDoc> *docs)
{
  yaml_parser_t parser;

  yaml_parser_initialize (&parser);
  yaml_parser_set_input_string (&parser, (const unsigned char *) text.data (), text.size ());
  for (;;)
    {
      yaml_document_t doc;
      if (!yaml_parser_load (&parser, &doc))
        {
          std::string problem = parser.problem != NULL ? parser.problem : "unknown problem";
          size_t line = parser.problem_mark.line + 1;
          yaml_parser_delete (&parser);
          return ::testing::AssertionFailure ()
                 << "YAML: " << problem << " at line " << line << " of:\n"
                 << text;
        }
      yaml_node_t *root = yaml_document_get_root_node (&doc);
      if (root == NULL)
        {
          yaml_document_delete (&doc);
          break;
        }
      YamlDoc flat;
      flatten (&doc, root, "", &flat);
      docs->push_back (flat);
      yaml_document_delete (&doc);
    }
  yaml_parser_delete (&parser);
  return ::testing::AssertionSuccess ();
}
#endif

}  // namespace

TEST (ExportOutput, YamlScalarsRoundTrip)
{
#ifndef PO_HAVE_LIBYAML
  GTEST_SKIP () << "libyaml (yaml-0.1) not found at configure time";
#else
  const std::vector<std::string> values = {
    "plain words",
    "",
    "key: value",
    "- item",
    "# not a comment",
    "---",
    "...",
    "'single'",
    "\"double\"",
    "back\\slash",
    "tab\there",
    "yes",
    "null",
    "123",
    "~",
    "&anchor",
    "*alias",
    "line1\nline2",
    "line1\n  indented\nline3",
    " leading space\nsecond",
    "trailing newline\n",
    "trailing space \nnext",
    "blank\n\nline",
    "a\xe2\x80\xa8"
    "b",
    "a\xc2\x85"
    "b",
    "\xef\xbb\xbf"
    "bom",
    "ctrl\x01"
    "char",
    "del\x7f",
    "caf\xc3\xa9\nna\xc3\xafve",
    "SELECT 1 WHERE NOT EXISTS (\n  SELECT 'x' FROM t WHERE a LIKE '%\\\\kaspersky lab\\\\%' "
    "ESCAPE '\\'\n)",
    "first\n    deeper\n  # hash\n---\n- dash",
  };

  for (const auto &value : values)
    {
      gchar *scalar = po_export_yaml_scalar (value.c_str (), 2);
      std::string text = std::string ("spec:\n  key: ") + scalar + "\n";
      std::vector<YamlDoc> docs;

      SCOPED_TRACE (text);
      ASSERT_TRUE (parse_yaml (text, &docs));
      ASSERT_EQ (docs.size (), 1u);
      EXPECT_EQ (docs[0].values["spec.key"], value);
      EXPECT_EQ (docs[0].plain.count ("spec.key"), 0u) << "a scalar was written plain";
      g_free (scalar);
    }
#endif
}

TEST (ExportOutput, YamlBlocksWhereTheyAreSafe)
{
  gchar *block = po_export_yaml_scalar ("SELECT 1\nFROM t", 2);
  gchar *quoted = po_export_yaml_scalar (" SELECT 1\nFROM t", 2);
  gchar *line = po_export_yaml_scalar ("one line", 2);

  EXPECT_STREQ (block, "|-\n    SELECT 1\n    FROM t");
  EXPECT_STREQ (quoted, "\" SELECT 1\\nFROM t\"");
  EXPECT_STREQ (line, "\"one line\"");
  g_free (block);
  g_free (quoted);
  g_free (line);
}

TEST (ExportOutput, FleetPoliciesShape)
{
  PoExportOptions options = {};
  std::string text = fleet_text (builtin_catalogue (), NULL, options);

  /* checked without a parser too: one document per policy and platform,
   * each starting with its "---" line, the comment inside the first (a
   * comment before it would be a piece fleetctl apply refuses) */
  EXPECT_EQ (text.rfind ("---\n# Fleet policies compiled by phaseout", 0), 0u);
  EXPECT_EQ (count ("\n" + text, "\n---"), n_builtin_pairs ());
  EXPECT_EQ (count (text, "\napiVersion: v1\nkind: policy\nspec:\n  name: \"phaseout: "),
             n_builtin_pairs ());
  EXPECT_EQ (count (text, "\n  query: |-\n    SELECT 1 WHERE NOT EXISTS (\n"), n_builtin_pairs ());
  EXPECT_EQ (count (text, "\n  description: |-\n    Passes when none of the "), n_builtin_pairs ());
  EXPECT_EQ (count (text, "\t"), 0u);
}

TEST (ExportOutput, FleetPoliciesParse)
{
#ifndef PO_HAVE_LIBYAML
  GTEST_SKIP () << "libyaml (yaml-0.1) not found at configure time";
#else
  PoExportOptions options = {};
  std::string text = fleet_text (builtin_catalogue (), NULL, options);
  std::vector<YamlDoc> docs;
  std::set<std::string> names;

  ASSERT_TRUE (parse_yaml (text, &docs));
  ASSERT_EQ (docs.size (), n_builtin_pairs ());
  for (auto &doc : docs)
    {
      SCOPED_TRACE (doc.values["spec.name"]);
      EXPECT_EQ (doc.values["apiVersion"], "v1");
      EXPECT_EQ (doc.values["kind"], "policy");
      EXPECT_TRUE (names.insert (doc.values["spec.name"]).second) << "name used twice";
      EXPECT_EQ (doc.values.count ("spec.team"), 0u);
      EXPECT_EQ (doc.plain.count ("spec.critical"), 1u);

      PoExportPlatform platform = platform_named (doc.values["spec.platform"]);
      ASSERT_NE (platform, PO_EXPORT_PLATFORM_N);
      std::string id;
      for (const auto &candidate : builtin_policy_ids ())
        if (doc.values["spec.name"].rfind ("phaseout: " + candidate + " - ", 0) == 0)
          id = candidate;
      ASSERT_FALSE (id.empty ());
      PoPolicy *policy = po_catalogue_lookup_policy (builtin_catalogue (), id.c_str ());
      EXPECT_EQ (doc.values["spec.critical"], po_policy_get_binding (policy) ? "true" : "false");
      EXPECT_TRUE (Contains (doc.values["spec.description"], po_policy_get_instrument (policy)));
      EXPECT_TRUE (Contains (doc.values["spec.resolution"], "phaseout export sql --policy " + id));

      /* the query read back is the compiled one (of its part), and answers as Fleet
       * expects: a Kaspersky install fails the policies naming Kaspersky, the
       * host with one of each app the others */
      bool store = Contains (doc.values["spec.name"], ", Store apps)");
      ExportQueryPtr query (po_export_query_new_part (builtin_catalogue (), policy, platform,
                                                      store ? "store_apps" : NULL));
      ASSERT_NE (po_export_query_get_policy_sql (query.get ()), nullptr);
      EXPECT_EQ (doc.values["spec.query"], po_export_query_get_policy_sql (query.get ()));
      OsqueryDb clean (platform), infected (platform);
      clean.load ("clean");
      infected.load (g_strv_contains (po_policy_get_vendors (policy), "kaspersky") && !store
                       ? "antivirus"
                       : "bans");
      EXPECT_EQ (clean.query (doc.values["spec.query"]).size (), 1u);
      EXPECT_EQ (infected.query (doc.values["spec.query"]).size (), 0u);
    }
#endif
}

TEST (ExportOutput, FleetDescriptionsCarryThePolicy)
{
  PoExportOptions options = {};
  options.platforms = 1u << PO_EXPORT_PLATFORM_WINDOWS;
  options.team = "Workstations \"EU\"";
  GPtrArray *policies = g_ptr_array_new ();
  g_ptr_array_add (policies,
                   po_catalogue_lookup_policy (builtin_catalogue (), "nl-kamerbrief-2018"));
  g_ptr_array_add (policies, po_catalogue_lookup_policy (builtin_catalogue (), "us-dhs-bod-17-01"));
  g_ptr_array_add (policies, po_catalogue_lookup_policy (builtin_catalogue (), "de-bsi-2022"));
  std::string text = fleet_text (builtin_catalogue (), policies, options);
  g_ptr_array_unref (policies);

  EXPECT_EQ (count (text, "\nkind: policy\n"), 3u);
  EXPECT_EQ (count (text, "  platform: windows\n"), 3u);
  EXPECT_EQ (count (text, "  team: \"Workstations \\\"EU\\\"\"\n"), 3u);
  EXPECT_TRUE (Contains (text, "  name: \"phaseout: nl-kamerbrief-2018 - no Kaspersky antivirus "
                               "(Windows)\"\n  platform: windows\n  critical: true\n"));
  EXPECT_TRUE (Contains (text, "  name: \"phaseout: de-bsi-2022 - no Kaspersky antivirus "
                               "(Windows)\"\n  platform: windows\n  critical: false\n"));
  EXPECT_TRUE (Contains (text, "  name: \"phaseout: us-dhs-bod-17-01 - no Kaspersky software "
                               "(Windows)\""));
  EXPECT_TRUE (Contains (text, "    Deadline: none; the instrument sets no date.\n"));
  EXPECT_TRUE (Contains (text, "    Deadline: 2017-12-12 (begin-removal).\n"
                               "    - 2017-10-13 identify: D+30: identify"));
  EXPECT_TRUE (Contains (text, "    Covered on Windows: Kaspersky Endpoint Security for Windows"));
  EXPECT_TRUE (Contains (text, "; and anything else published or signed by Kaspersky.\n"));
}

TEST (ExportOutput, PackParses)
{
  PoExportOptions options = {};
  std::string text = pack_text (builtin_catalogue (), NULL, options);
  std::unique_ptr<JsonParser, ObjectUnref> parser (json_parser_new ());
  GError *error = NULL;

  ASSERT_TRUE (json_parser_load_from_data (parser.get (), text.c_str (), -1, &error))
    << error->message;
  JsonObject *root = json_node_get_object (json_parser_get_root (parser.get ()));
  ASSERT_TRUE (json_object_has_member (root, "queries"));
  JsonObject *queries = json_object_get_object_member (root, "queries");
  EXPECT_EQ (json_object_get_size (queries), n_builtin_queries (false));

  for (const auto &id : builtin_policy_ids ())
    for (PoExportPlatform platform : kPlatforms)
      {
        PoPolicy *policy = po_catalogue_lookup_policy (builtin_catalogue (), id.c_str ());
        gchar *name = po_export_pack_query_name (policy, platform);
        SCOPED_TRACE (name);
        ExportQueryPtr compiled = compile (builtin_catalogue (), id, platform);
        /* a phones-only policy, or one with nothing to look for there, has no query */
        if (!po_policy_covers_hosts (policy)
            || po_export_query_get_findings_sql (compiled.get ()) == NULL)
          {
            EXPECT_FALSE (json_object_has_member (queries, name));
            g_free (name);
            continue;
          }
        ASSERT_TRUE (json_object_has_member (queries, name));
        JsonObject *query = json_object_get_object_member (queries, name);

        EXPECT_EQ (std::string (name),
                   "phaseout_" + id + "_" + po_export_platform_to_string (platform));
        EXPECT_STREQ (json_object_get_string_member (query, "query"),
                      po_export_query_get_findings_sql (compiled.get ()));
        EXPECT_EQ (json_object_get_int_member (query, "interval"), 3600);
        EXPECT_STREQ (json_object_get_string_member (query, "platform"),
                      po_export_platform_to_string (platform));
        EXPECT_TRUE (
          Contains (json_object_get_string_member (query, "description"), "no rows: none found"));
        EXPECT_FALSE (json_object_has_member (query, "snapshot"));
        g_free (name);
      }
}

TEST (ExportOutput, PackOptions)
{
  PoExportOptions options = {};
  options.platforms = 1u << PO_EXPORT_PLATFORM_LINUX;
  options.interval = 600;
  options.snapshot = TRUE;
  std::string text = pack_text (builtin_catalogue (), NULL, options);
  std::unique_ptr<JsonParser, ObjectUnref> parser (json_parser_new ());

  ASSERT_TRUE (json_parser_load_from_data (parser.get (), text.c_str (), -1, NULL));
  JsonObject *queries = json_object_get_object_member (json_node_get_object (
                                                         json_parser_get_root (parser.get ())),
                                                       "queries");
  EXPECT_EQ (json_object_get_size (queries),
             n_builtin_queries (false, 1u << PO_EXPORT_PLATFORM_LINUX));
  JsonObject *query = json_object_get_object_member (queries, "phaseout_nl-kamerbrief-2018_linux");
  ASSERT_TRUE (query != NULL);
  EXPECT_EQ (json_object_get_int_member (query, "interval"), 600);
  EXPECT_TRUE (json_object_get_boolean_member (query, "snapshot"));
}

TEST (ExportOutput, NothingToExport)
{
  TempDir dir;
  dir.write ("tux.json", tux_policy_file (R"("deb_package": ["tuxav"])"));
  CataloguePtr tux = catalogue_with (dir.path (), false);
  PoExportOptions options = {};
  options.platforms = (1u << PO_EXPORT_PLATFORM_WINDOWS) | (1u << PO_EXPORT_PLATFORM_DARWIN);
  GString *out = g_string_new (NULL);
  GString *notes = g_string_new (NULL);
  GError *error = NULL;

  EXPECT_FALSE (po_export_fleet_policies (tux.get (), NULL, &options, out, notes, &error));
  EXPECT_TRUE (g_error_matches (error, PO_ERROR, PO_ERROR_NOT_FOUND));
  EXPECT_STREQ (out->str, "");
  EXPECT_TRUE (Contains (notes->str, "no-tux on windows: left out: none of the indicators"));
  EXPECT_TRUE (Contains (notes->str, "no-tux on darwin: left out"));
  g_clear_error (&error);

  EXPECT_FALSE (po_export_pack (tux.get (), NULL, &options, out, NULL, &error));
  EXPECT_TRUE (g_error_matches (error, PO_ERROR, PO_ERROR_NOT_FOUND));
  g_clear_error (&error);

  /* on Linux there is something, and the other platforms are left out */
  options.platforms = PO_EXPORT_PLATFORMS_ALL;
  g_string_truncate (notes, 0);
  EXPECT_TRUE (po_export_fleet_policies (tux.get (), NULL, &options, out, notes, &error));
  EXPECT_EQ (count (out->str, "\nkind: policy\n"), 1u);
  EXPECT_TRUE (Contains (out->str, "  platform: linux\n"));
  EXPECT_TRUE (Contains (notes->str, "no-tux on windows: left out"));
  g_string_free (out, TRUE);
  g_string_free (notes, TRUE);
}

TEST (ExportOutput, PackIntervalOverOsquerysLimit)
{
  PoExportOptions options = {};
  GString *out = g_string_new (NULL);
  GError *error = NULL;

  options.interval = PO_EXPORT_PACK_MAX_INTERVAL + 1;
  EXPECT_FALSE (po_export_pack (builtin_catalogue (), NULL, &options, out, NULL, &error));
  EXPECT_TRUE (g_error_matches (error, PO_ERROR, PO_ERROR_INVALID_ARGUMENT));
  EXPECT_TRUE (Contains (error != NULL ? error->message : "", "604800"));
  EXPECT_STREQ (out->str, "");
  g_clear_error (&error);

  options.interval = PO_EXPORT_PACK_MAX_INTERVAL;
  EXPECT_TRUE (po_export_pack (builtin_catalogue (), NULL, &options, out, NULL, &error));
  g_string_free (out, TRUE);
}
