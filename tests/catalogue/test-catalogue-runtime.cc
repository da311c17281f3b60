/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The runtime's catalogue and profile (cached, reloaded on change) and the
 * phaseout_policies table through the embedded engine.
 */
#include "catalogue-test-util.h"

#include <fcntl.h>
#include <sys/stat.h>

using namespace po_test;

namespace {

ResultPtr
query (PoRuntime *runtime, const std::string &sql)
{
  PoResult *result = NULL;
  GError *error = NULL;

  if (!po_engine_query (runtime, sql.c_str (), &result, &error))
    {
      ADD_FAILURE () << sql << ": " << error->message;
      g_error_free (error);
    }
  return ResultPtr (result);
}

std::string
cell (PoResult *result, guint row, guint column)
{
  GPtrArray *cells = (GPtrArray *) g_ptr_array_index (result->rows, row);
  const gchar *value = (const gchar *) g_ptr_array_index (cells, column);
  return value != NULL ? value : "<NULL>";
}

void
touch_later (const std::string &path)
{
  struct stat st;
  ASSERT_EQ (stat (path.c_str (), &st), 0);
  struct timespec times[2] = { st.st_atim, st.st_mtim };
  times[1].tv_sec += 10;
  ASSERT_EQ (utimensat (AT_FDCWD, path.c_str (), times, 0), 0);
}

class CatalogueRuntime : public ::testing::Test {
 protected:
  void
  SetUp () override
  {
    dir_.write ("policies/acme.json",
                policy_file ({ policy_json ("acme", { { "title", "\"first\"" } }) }));
    dir_.write ("phaseout.conf", "[profile]\njurisdictions=NL\norganisation-types=municipality\n");
    runtime_ = make_runtime (
      { { "policy-dir", dir_.file ("policies") }, { "config", dir_.file ("phaseout.conf") } });
    ASSERT_TRUE (runtime_ != nullptr);
  }

  CataloguePtr
  catalogue ()
  {
    GError *error = NULL;
    PoCatalogue *catalogue = po_runtime_get_catalogue (runtime_.get (), &error);
    EXPECT_TRUE (catalogue != NULL);
    return CataloguePtr (catalogue);
  }

  TempDir dir_;
  RuntimePtr runtime_;
};

}  // namespace

TEST_F (CatalogueRuntime, LoadsOnceAndReloadsOnChange)
{
  CataloguePtr first = catalogue ();
  CataloguePtr again = catalogue ();
  EXPECT_EQ (first.get (), again.get ());
  EXPECT_EQ (std::string (po_policy_get_title (po_catalogue_lookup_policy (first.get (), "acme"))),
             "first");

  dir_.write ("policies/acme.json",
              policy_file ({ policy_json ("acme", { { "title", "\"second\"" } }) }));
  touch_later (dir_.file ("policies/acme.json"));
  CataloguePtr second = catalogue ();
  EXPECT_NE (first.get (), second.get ());
  EXPECT_EQ (std::string (po_policy_get_title (po_catalogue_lookup_policy (second.get (), "acme"))),
             "second");

  /* a broken edit: the last good version stays */
  dir_.write ("policies/acme.json", "{ \"format\": 1, ");
  touch_later (dir_.file ("policies/acme.json"));
  CataloguePtr third = catalogue ();
  EXPECT_EQ (std::string (po_policy_get_title (po_catalogue_lookup_policy (third.get (), "acme"))),
             "second");
  EXPECT_TRUE (Contains (problems_text (third.get ()), "keeping the version loaded before"));
}

/* one digest of the catalogue in force: equal for equal data, changed by any file */
TEST_F (CatalogueRuntime, CatalogueDigestInPhaseoutInfo)
{
  const std::string sql = "SELECT catalogue_sha256 FROM phaseout_info";
  std::string first = cell (query (runtime_.get (), sql).get (), 0, 0);
  EXPECT_EQ (first.size (), 64u) << first;

  RuntimePtr twin = make_runtime (
    { { "policy-dir", dir_.file ("policies") }, { "config", dir_.file ("phaseout.conf") } });
  EXPECT_EQ (cell (query (twin.get (), sql).get (), 0, 0), first);
  RuntimePtr builtin_only = make_runtime ({ { "policy-dir", dir_.file ("none") } });
  EXPECT_NE (cell (query (builtin_only.get (), sql).get (), 0, 0), first);

  /* a one-byte edit of a policy file is another catalogue */
  dir_.write ("policies/acme.json",
              policy_file ({ policy_json ("acme", { { "title", "\"firsT\"" } }) }));
  touch_later (dir_.file ("policies/acme.json"));
  EXPECT_NE (cell (query (runtime_.get (), sql).get (), 0, 0), first);
}

/* a fleet sees a rejected policy file in phaseout_info, not only in the log */
TEST_F (CatalogueRuntime, ProblemsAreShownInPhaseoutInfo)
{
  auto clean = query (runtime_.get (), "SELECT policy_problems, policy_problem_messages "
                                       "FROM phaseout_info");
  EXPECT_EQ (cell (clean.get (), 0, 0), "0");
  EXPECT_EQ (cell (clean.get (), 0, 1), "");

  dir_.write ("policies/acme.json", "{ \"format\": 1, ");
  touch_later (dir_.file ("policies/acme.json"));
  dir_.write ("policies/other.json", "[]");
  auto broken = query (runtime_.get (), "SELECT policy_problems, policy_problem_messages "
                                        "FROM phaseout_info");
  EXPECT_EQ (cell (broken.get (), 0, 0), "2");
  std::string messages = cell (broken.get (), 0, 1);
  EXPECT_TRUE (Contains (messages, dir_.file ("policies/acme.json") + ": "));
  EXPECT_TRUE (Contains (messages, "keeping the version loaded before"));
  EXPECT_TRUE (Contains (messages, dir_.file ("policies/other.json") + ": "));
}

TEST_F (CatalogueRuntime, ProfileFromConfigAndOptions)
{
  PoProfile *profile = NULL;
  GError *error = NULL;

  ASSERT_TRUE (po_runtime_get_profile (runtime_.get (), &profile, &error));
  ASSERT_TRUE (profile != NULL);
  EXPECT_TRUE (po_profile_has_organisation_type (profile, "municipality"));
  po_profile_unref (profile);

  /* osquery's options go on top of the file */
  ASSERT_TRUE (po_runtime_set_profile_option (runtime_.get (), "phaseout_organisation_types",
                                              "central-government", &error));
  ASSERT_TRUE (po_runtime_get_profile (runtime_.get (), &profile, &error));
  EXPECT_TRUE (po_profile_has_organisation_type (profile, "central-government"));
  EXPECT_FALSE (po_profile_has_organisation_type (profile, "municipality"));
  EXPECT_STREQ (po_profile_get_jurisdictions (profile)[0], "NL");
  po_profile_unref (profile);

  EXPECT_FALSE (
    po_runtime_set_profile_option (runtime_.get (), "phaseout_jurisdictions", "Holland", &error));
  ASSERT_TRUE (error != NULL);
  g_clear_error (&error);
}

TEST_F (CatalogueRuntime, MalformedConfigKeepsTheLastGoodProfile)
{
  PoProfile *profile = NULL;
  GError *error = NULL;

  ASSERT_TRUE (po_runtime_get_profile (runtime_.get (), &profile, &error));
  po_profile_unref (profile);
  dir_.write ("phaseout.conf", "[profile]\norganisation-types=muncipality\n");
  touch_later (dir_.file ("phaseout.conf"));
  ASSERT_TRUE (po_runtime_get_profile (runtime_.get (), &profile, &error));
  ASSERT_TRUE (profile != NULL);
  EXPECT_TRUE (po_profile_has_organisation_type (profile, "municipality"));
  po_profile_unref (profile);
}

TEST (CatalogueRuntimeConfig, MissingExplicitConfigIsAnError)
{
  TempDir dir;
  RuntimePtr runtime = make_runtime (
    { { "policy-dir", dir.path () }, { "config", dir.file ("absent.conf") } });
  PoProfile *profile = NULL;
  GError *error = NULL;

  EXPECT_FALSE (po_runtime_get_profile (runtime.get (), &profile, &error));
  ASSERT_TRUE (error != NULL);
  EXPECT_TRUE (Contains (error->message, "absent.conf"));
  g_error_free (error);
}

TEST (CatalogueRuntimeConfig, ConfigWithoutProfileMeansNoProfile)
{
  TempDir dir;
  dir.write ("phaseout.conf", "[other]\nkey=value\n");
  RuntimePtr runtime = make_runtime (
    { { "policy-dir", dir.path () }, { "config", dir.file ("phaseout.conf") } });
  PoProfile *profile = NULL;
  GError *error = NULL;

  ASSERT_TRUE (po_runtime_get_profile (runtime.get (), &profile, &error));
  EXPECT_TRUE (profile == NULL);
}

TEST_F (CatalogueRuntime, PoliciesTable)
{
  ResultPtr result = query (runtime_.get (),
                            "SELECT id, applies, applicability, reason, origin, binding, "
                            "deadline, categories FROM phaseout_policies ORDER BY id");
  ASSERT_TRUE (result != nullptr);
  std::map<std::string, std::vector<std::string>> rows;
  for (guint r = 0; r < result->rows->len; r++)
    {
      std::vector<std::string> row;
      for (guint c = 0; c < 8; c++)
        row.push_back (cell (result.get (), r, c));
      rows[row[0]] = row;
    }

  ASSERT_TRUE (rows.count ("nl-kamerbrief-2018"));
  /* the Dutch policy leaves municipalities out (as the ministry told NU.nl) */
  EXPECT_EQ (rows["nl-kamerbrief-2018"][1], "0");
  EXPECT_EQ (rows["nl-kamerbrief-2018"][2], "excluded");
  EXPECT_EQ (rows["nl-kamerbrief-2018"][4], "builtin");
  EXPECT_EQ (rows["nl-kamerbrief-2018"][5], "1");
  EXPECT_EQ (rows["nl-kamerbrief-2018"][6], "");
  EXPECT_EQ (rows["nl-kamerbrief-2018"][7], "antivirus");
  EXPECT_EQ (rows["us-dhs-bod-17-01"][2], "other_jurisdiction");
  EXPECT_EQ (rows["us-dhs-bod-17-01"][6], "2017-12-12");
  EXPECT_EQ (rows["acme"][4], dir_.file ("policies/acme.json"));
  EXPECT_EQ (rows["acme"][2], "out_of_scope");
}

TEST_F (CatalogueRuntime, PoliciesTableById)
{
  ResultPtr result = query (runtime_.get (),
                            "SELECT id, milestones, sha256, source FROM phaseout_policies "
                            "WHERE id = 'us-dhs-bod-17-01'");
  ASSERT_TRUE (result != nullptr);
  ASSERT_EQ (result->rows->len, 1u);
  std::string milestones = cell (result.get (), 0, 1);
  EXPECT_TRUE (Contains (milestones, "{\"kind\":\"identify\",\"date\":\"2017-10-13\""));
  EXPECT_TRUE (Contains (milestones, "{\"kind\":\"plan\",\"date\":\"2017-11-12\""));
  EXPECT_TRUE (Contains (milestones, "{\"kind\":\"begin-removal\",\"date\":\"2017-12-12\""));
  EXPECT_EQ (cell (result.get (), 0, 2).size (), 64u);
  EXPECT_TRUE (Contains (cell (result.get (), 0, 3),
                         "https://www.cisa.gov/news-events/directives/binding-operational-"
                         "directive-17-01"));
}

/* the scope as JSON says each entry's confidence, and the sources of those that have their own */
TEST_F (CatalogueRuntime, PoliciesTableScopeEntries)
{
  ResultPtr result = query (runtime_.get (),
                            "SELECT json_extract(scope, '$.excludes'),"
                            " json_extract(scope, '$.entries.\"local-government\".confidence'),"
                            " json_extract(scope, '$.entries.\"local-government\".sources[0].url'),"
                            " json_extract(scope, '$.entries.\"central-government\".confidence'),"
                            " json_extract(scope, '$.entries.\"central-government\".sources'),"
                            " json_extract(scope, '$.entries.\"regional-government\".note')"
                            " FROM phaseout_policies WHERE id = 'nl-kamerbrief-2018'");
  ASSERT_TRUE (result != nullptr);
  ASSERT_EQ (result->rows->len, 1u);
  EXPECT_EQ (cell (result.get (), 0, 0), "[\"regional-government\",\"local-government\"]");
  EXPECT_EQ (cell (result.get (), 0, 1), "reported");
  EXPECT_EQ (cell (result.get (), 0, 2), "https://www.nu.nl/internet/5265584/nederlandse-"
                                         "overheid-stopt-met-russische-antivirussoftware-"
                                         "kaspersky.html");
  EXPECT_EQ (cell (result.get (), 0, 3), "verified");
  EXPECT_EQ (cell (result.get (), 0, 4), "<NULL>");
  EXPECT_TRUE (Contains (cell (result.get (), 0, 5), "kleinere overheden"));
}

TEST_F (CatalogueRuntime, PoliciesTableWithoutProfile)
{
  TempDir empty;
  empty.write ("phaseout.conf", "");
  RuntimePtr runtime = make_runtime (
    { { "policy-dir", empty.path () }, { "config", empty.file ("phaseout.conf") } });
  /* every policy in force applies, save the phones-only ones: this host is no phone */
  ResultPtr result = query (runtime.get (), "SELECT count(*) FROM phaseout_policies "
                                            "WHERE applies = 0 AND applicability <> "
                                            "'other_devices'");
  ASSERT_TRUE (result != nullptr);
  EXPECT_EQ (cell (result.get (), 0, 0), "0");
  result = query (runtime.get (), "SELECT group_concat(id) FROM (SELECT id FROM "
                                  "phaseout_policies WHERE applicability = 'other_devices' "
                                  "ORDER BY id)");
  ASSERT_TRUE (result != nullptr);
  EXPECT_EQ (cell (result.get (), 0, 0),
             "ca-tiktok-2023,eu-com-tiktok-2023,nl-apps-2023,nl-deepseek-2025");
}

/* many threads asking while a file changes under them: every answer is a
 * whole catalogue, with one of the two versions of the file */
TEST_F (CatalogueRuntime, ConcurrentQueriesWhileFilesChange)
{
  struct Shared {
    PoRuntime *runtime;
    gint bad;
  } shared = { runtime_.get (), 0 };
  auto worker = [] (gpointer data) -> gpointer {
    Shared *s = (Shared *) data;
    for (int i = 0; i < 200; i++)
      {
        PoCatalogue *catalogue = po_runtime_get_catalogue (s->runtime, NULL);
        PoPolicy *policy = po_catalogue_lookup_policy (catalogue, "acme");
        std::string title = policy != NULL ? po_policy_get_title (policy) : "";
        if (title != "first" && title != "second")
          g_atomic_int_inc (&s->bad);
        if (!po_catalogue_match (catalogue, PO_INDICATOR_DEB_PACKAGE, "kesl", NULL))
          g_atomic_int_inc (&s->bad);
        po_catalogue_unref (catalogue);
      }
    return NULL;
  };
  GThread *threads[4];

  for (auto &thread : threads)
    thread = g_thread_new ("catalogue", worker, &shared);
  for (int i = 0; i < 20; i++)
    {
      dir_.write ("policies/acme.json",
                  policy_file (
                    { policy_json ("acme", { { "title", i % 2 ? "\"first\"" : "\"second\"" } }) }));
      touch_later (dir_.file ("policies/acme.json"));
    }
  for (auto &thread : threads)
    g_thread_join (thread);
  EXPECT_EQ (shared.bad, 0);
}
