/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Fleet content in fleet/: the osquery pack and the Fleet policies.
 * Their SQL is prepared and run against phaseout's tables in the embedded
 * engine, with the osquery core tables they use stubbed as plain SQLite
 * tables; the policies must pass on a clean host and fail where their
 * policy finds something.
 */
#include "compliance-test-util.h"

#include <json-glib/json-glib.h>
#include <sqlite3.h>

#ifdef PO_HAVE_LIBYAML
#include <yaml.h>
#endif

using namespace po_test;

namespace {

std::string
fleet_path (const std::string &name)
{
  return std::string (PO_TEST_PROJECT_DIR) + "/fleet/" + name;
}

/* a connection with phaseout's tables and stubs of the osquery tables the content uses */
class Engine {
 public:
  explicit Engine (PoRuntime *runtime)
  {
    GError *error = nullptr;
    EXPECT_EQ (sqlite3_open (":memory:", &db_), SQLITE_OK);
    if (!po_engine_register (db_, runtime, &error))
      {
        ADD_FAILURE () << error->message;
        g_error_free (error);
      }
    EXPECT_EQ (sqlite3_exec (db_,
                             "CREATE TABLE osquery_extensions (uuid INTEGER, name TEXT,"
                             " version TEXT, sdk_version TEXT, path TEXT, type TEXT);"
                             "INSERT INTO osquery_extensions VALUES (0, 'core', '5.12.1', '0.0.0',"
                             " 'core', 'core'), (1, 'phaseout', '0.1.0', '0.0.0',"
                             " '/usr/lib/phaseout/phaseout.ext', 'extension');",
                             nullptr, nullptr, nullptr),
               SQLITE_OK);
  }
  ~Engine () { sqlite3_close (db_); }

  /* prepares and runs sql; the number of rows, or -1 on error (with a test failure) */
  int
  run (const std::string &sql)
  {
    sqlite3_stmt *statement = nullptr;
    const char *tail = nullptr;
    int rows = 0, rc;
    if (sqlite3_prepare_v2 (db_, sql.c_str (), -1, &statement, &tail) != SQLITE_OK)
      {
        ADD_FAILURE () << sql << ": " << sqlite3_errmsg (db_);
        return -1;
      }
    EXPECT_TRUE (tail == nullptr
                 || std::string (tail).find_first_not_of (" \t\n;") == std::string::npos)
      << "more than one statement: " << sql;
    while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
      rows++;
    if (rc != SQLITE_DONE)
      ADD_FAILURE () << sql << ": " << sqlite3_errmsg (db_);
    sqlite3_finalize (statement);
    return rc == SQLITE_DONE ? rows : -1;
  }

 private:
  sqlite3 *db_ = nullptr;
};

struct PackQuery {
  std::string name, query;
  gint64 interval;
};

std::vector<std::string> pack_discovery;

std::vector<PackQuery>
load_pack ()
{
  std::vector<PackQuery> queries;
  g_autoptr (JsonParser) parser = json_parser_new ();
  GError *error = nullptr;
  if (!json_parser_load_from_file (parser, fleet_path ("phaseout-pack.json").c_str (), &error))
    {
      ADD_FAILURE () << error->message;
      g_error_free (error);
      return queries;
    }
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));
  EXPECT_STREQ (json_object_get_string_member (root, "platform"), "linux");
  pack_discovery.clear ();
  JsonArray *discovery = json_object_get_array_member (root, "discovery");
  for (guint i = 0; discovery != nullptr && i < json_array_get_length (discovery); i++)
    pack_discovery.push_back (json_array_get_string_element (discovery, i));
  JsonObject *members = json_object_get_object_member (root, "queries");
  g_autoptr (GList) names = json_object_get_members (members);
  for (GList *l = names; l != nullptr; l = l->next)
    {
      JsonObject *q = json_object_get_object_member (members, (const char *) l->data);
      /* osquery's pack keys only; a typo would be silently ignored by osquery */
      g_autoptr (GList) keys = json_object_get_members (q);
      for (GList *k = keys; k != nullptr; k = k->next)
        {
          std::string key = (const char *) k->data;
          EXPECT_TRUE (key == "query" || key == "interval" || key == "description" || key == "value"
                       || key == "snapshot" || key == "removed" || key == "platform"
                       || key == "version" || key == "shard" || key == "denylist")
            << l->data << ": unknown pack key " << key;
        }
      queries.push_back ({ (const char *) l->data, json_object_get_string_member (q, "query"),
                           json_object_get_int_member (q, "interval") });
    }
  return queries;
}

}  // namespace

TEST (FleetPack, QueriesRunAgainstTheTables)
{
  auto queries = load_pack ();
  ASSERT_GE (queries.size (), 4u);
  ASSERT_EQ (pack_discovery.size (), 1u);
  EXPECT_NE (pack_discovery[0].find ("osquery_extensions"), std::string::npos);

  World world ("kes-host", kUsFederal);
  auto runtime = world.runtime ("2017-12-20");
  Engine engine (runtime.get ());
  EXPECT_EQ (engine.run (pack_discovery[0]), 1);

  std::map<std::string, int> rows;
  for (const auto &q : queries)
    {
      EXPECT_GE (q.interval, 300) << q.name << ": too frequent for a full scan";
      EXPECT_LE (q.interval, 86400) << q.name;
      EXPECT_EQ (q.name.rfind ("phaseout_", 0), 0u) << q.name;
      rows[q.name] = engine.run (q.query);
    }
  EXPECT_EQ (rows["phaseout_status"], 26);
  /* 10 findings each under BOD 17-01 and the NDAA (Commerce is not issued until 2024) */
  EXPECT_EQ (rows["phaseout_banned_software"], 20);
}

/*
 * The daily phaseout_info snapshot carries every problem column, so the
 * fleet sees a host whose policy files, organisation profile or history
 * database are not what was configured (a rejected profile used to be
 * invisible to Fleet).
 */
TEST (FleetPack, InfoCarriesEveryProblem)
{
  auto queries = load_pack ();
  World world ("kes-host", "jurisdictions=US\norganisation-types=federal-executiv\n");
  auto runtime = world.runtime ("2017-12-20");
  bool found = false;
  for (const auto &q : queries)
    {
      if (q.name != "phaseout_info")
        continue;
      found = true;
      auto rows = query (runtime.get (), q.query);
      ASSERT_EQ (rows.size (), 1u);
      for (const char *column :
           { "policy_problems", "policy_problem_messages", "config_problem", "state_db_problem" })
        EXPECT_EQ (rows[0].count (column), 1u) << column << " is not in " << q.query;
      EXPECT_NE (rows[0]["config_problem"].find ("unknown organisation type 'federal-executiv'"),
                 std::string::npos)
        << rows[0]["config_problem"];
    }
  EXPECT_TRUE (found) << "the pack has no phaseout_info query";
}

/* differential results must not change on an unchanged host */
TEST (FleetPack, DifferentialQueriesAreStable)
{
  auto queries = load_pack ();
  World world ("kes-host", kUsFederal);
  for (const auto &q : queries)
    {
      if (q.name == "phaseout_status" || q.name == "phaseout_info")
        continue; /* days_remaining changes daily by design; info is a snapshot */
      auto a = world.runtime ("2017-12-20T01:00:00Z");
      auto b = world.runtime ("2017-12-20T02:00:00Z");
      auto first = query (a.get (), q.query);
      auto second = query (b.get (), q.query);
      EXPECT_EQ (first, second) << q.name;
    }
}

#ifdef PO_HAVE_LIBYAML

namespace {

struct FleetPolicy {
  std::map<std::string, std::string> top, spec;
};

std::string
scalar (yaml_document_t *document, yaml_node_t *node)
{
  if (node == nullptr || node->type != YAML_SCALAR_NODE)
    return "<not a scalar>";
  return std::string ((const char *) node->data.scalar.value, node->data.scalar.length);
}

std::map<std::string, std::string>
mapping (yaml_document_t *document, yaml_node_t *node, yaml_node_t **ret_spec = nullptr)
{
  std::map<std::string, std::string> out;
  if (node == nullptr || node->type != YAML_MAPPING_NODE)
    {
      ADD_FAILURE () << "not a mapping";
      return out;
    }
  for (yaml_node_pair_t *pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top;
       pair++)
    {
      std::string key = scalar (document, yaml_document_get_node (document, pair->key));
      yaml_node_t *value = yaml_document_get_node (document, pair->value);
      EXPECT_EQ (out.count (key), 0u) << "duplicate key " << key;
      if (key == "spec" && ret_spec != nullptr)
        *ret_spec = value;
      out[key] = value->type == YAML_SCALAR_NODE ? scalar (document, value) : "<node>";
    }
  return out;
}

std::vector<FleetPolicy>
load_policies ()
{
  std::vector<FleetPolicy> policies;
  FILE *file = fopen (fleet_path ("policies.yml").c_str (), "rb");
  yaml_parser_t parser;
  if (file == nullptr)
    {
      ADD_FAILURE () << "cannot open fleet/policies.yml";
      return policies;
    }
  yaml_parser_initialize (&parser);
  yaml_parser_set_input_file (&parser, file);
  for (;;)
    {
      yaml_document_t document;
      if (!yaml_parser_load (&parser, &document))
        {
          ADD_FAILURE () << "fleet/policies.yml: " << parser.problem << " at line "
                         << parser.problem_mark.line + 1;
          break;
        }
      yaml_node_t *root = yaml_document_get_root_node (&document);
      if (root == nullptr)
        {
          yaml_document_delete (&document);
          break;
        }
      FleetPolicy policy;
      yaml_node_t *spec = nullptr;
      policy.top = mapping (&document, root, &spec);
      if (spec != nullptr)
        policy.spec = mapping (&document, spec);
      policies.push_back (policy);
      yaml_document_delete (&document);
    }
  yaml_parser_delete (&parser);
  fclose (file);
  return policies;
}

/* the policy id a Fleet policy's query asks about */
std::string
policy_id_of (const std::string &sql)
{
  auto start = sql.find ("policy_id = '");
  if (start == std::string::npos)
    return "";
  start += strlen ("policy_id = '");
  return sql.substr (start, sql.find ('\'', start) - start);
}

}  // namespace

TEST (FleetPolicies, OnePerBuiltinPolicyInFleetctlFormat)
{
  auto policies = load_policies ();
  World world ("clean-host", "");
  auto runtime = world.runtime ("2019-01-01");
  /* one per policy that reaches desktops and servers: a phones-only one is
   * not_applicable on every host phaseout runs on */
  auto builtin = values (query (runtime.get (), "SELECT id FROM phaseout_policies "
                                                "WHERE devices <> 'mobile'"),
                         "id");

  std::vector<std::string> covered;
  for (const auto &p : policies)
    {
      EXPECT_EQ (p.top.at ("apiVersion"), "v1");
      EXPECT_EQ (p.top.at ("kind"), "policy");
      EXPECT_EQ (p.top.size (), 3u);
      for (const char *key :
           { "name", "query", "description", "resolution", "platform", "critical" })
        EXPECT_EQ (p.spec.count (key), 1u) << key << " missing in " << p.spec.at ("name");
      for (const auto &entry : p.spec)
        EXPECT_TRUE (entry.first == "name" || entry.first == "query" || entry.first == "description"
                     || entry.first == "resolution" || entry.first == "platform"
                     || entry.first == "critical")
          << "unknown key " << entry.first;
      EXPECT_EQ (p.spec.at ("platform"), "linux");
      EXPECT_TRUE (p.spec.at ("critical") == "true" || p.spec.at ("critical") == "false");
      EXPECT_GT (p.spec.at ("resolution").size (), 40u);
      covered.push_back (policy_id_of (p.spec.at ("query")));
    }
  std::sort (covered.begin (), covered.end ());
  EXPECT_EQ (covered, builtin);
}

/* pass on a clean host; fail exactly where phaseout_status says action is due */
TEST (FleetPolicies, PassAndFailWithTheStatus)
{
  auto policies = load_policies ();
  ASSERT_FALSE (policies.empty ());
  struct {
    const char *fixture, *profile, *now;
    std::vector<std::string> failing;
  } cases[] = {
    { "clean-host", kUsFederal, "2019-01-01", {} },
    { "clean-host", "", "2019-01-01", {} },
    { "kes-host", kUsFederal, "2017-12-20", { "us-dhs-bod-17-01", "us-ndaa18-1634" } },
    { "kes-host",
      kUsFederal,
      "2025-01-01",
      { "us-dhs-bod-17-01", "us-doc-ictsfd-2024", "us-ndaa18-1634" } },
    { "kes-host", kNlCentral, "2019-01-01", { "nl-kamerbrief-2018" } },
    { "agent-only-host", kNlCentral, "2019-01-01", {} },
    { "kes-host", kNlMunicipality, "2019-01-01", {} },
  };
  for (const auto &c : cases)
    {
      World world (c.fixture, c.profile);
      auto runtime = world.runtime (c.now);
      Engine engine (runtime.get ());
      std::vector<std::string> failing;
      for (const auto &p : policies)
        {
          int rows = engine.run (p.spec.at ("query"));
          EXPECT_TRUE (rows == 0 || rows == 1) << p.spec.at ("name");
          if (rows == 0)
            failing.push_back (policy_id_of (p.spec.at ("query")));
        }
      std::sort (failing.begin (), failing.end ());
      EXPECT_EQ (failing, c.failing) << c.fixture << " " << c.profile;
    }
}

#else

TEST (FleetPolicies, OnePerBuiltinPolicyInFleetctlFormat)
{
  GTEST_SKIP () << "built without libyaml (Debian: libyaml-dev)";
}

#endif
