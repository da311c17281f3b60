/* SPDX-License-Identifier: Apache-2.0 */
#include <gtest/gtest.h>

#include "po-test-shim.h"
#include "po-ext-flags.h"

namespace {

using FlagsPtr = po_test::Owned<PoExtFlags, po_ext_flags_free>;

FlagsPtr
parse (std::vector<std::string> args, po_test::ErrorPtr *error_out = nullptr)
{
  std::vector<char *> argv;
  args.insert (args.begin (), "phaseout.ext");
  for (auto &arg : args)
    argv.push_back (arg.data ());
  FlagsPtr flags (po_ext_flags_new ());
  GError *error = NULL;
  if (!po_ext_flags_parse (flags.get (), (int) argv.size (), argv.data (), &error))
    {
      if (error_out != nullptr)
        error_out->reset (error);
      else
        g_error_free (error);
      return FlagsPtr ();
    }
  return flags;
}

TEST (ExtFlags, OsquerydArgvExactly)
{
  /* what osqueryd's launchExtension() passes: separate items, --verbose first */
  auto flags = parse (
    { "--verbose", "--socket", "/var/osquery/osquery.em", "--timeout", "3", "--interval", "3" });
  ASSERT_NE (flags, nullptr);
  EXPECT_TRUE (flags->verbose);
  EXPECT_STREQ (flags->socket, "/var/osquery/osquery.em");
  EXPECT_EQ (flags->timeout_s, 3u);
  EXPECT_EQ (flags->interval_s, 3u);
  EXPECT_EQ (flags->ignored->len, 0u);
}

TEST (ExtFlags, Defaults)
{
  auto flags = parse ({});
  ASSERT_NE (flags, nullptr);
  EXPECT_STREQ (flags->socket, "/var/osquery/osquery.em");
  EXPECT_EQ (flags->timeout_s, 3u);
  EXPECT_EQ (flags->interval_s, 3u);
  EXPECT_FALSE (flags->verbose);
}

TEST (ExtFlags, EqualsFormsAndPhaseoutSettings)
{
  auto flags = parse ({ "--socket=/tmp/x.em", "--timeout=10", "--interval=1", "--root=/srv/img",
                        "--policy-dir", "/a", "--policy-dir=/b", "--state-db=/tmp/s.db", "--config",
                        "/etc/p.conf", "--now=2018-05-01" });
  ASSERT_NE (flags, nullptr);
  EXPECT_STREQ (flags->socket, "/tmp/x.em");
  EXPECT_EQ (flags->timeout_s, 10u);
  EXPECT_EQ (flags->interval_s, 1u);
  EXPECT_STREQ (flags->settings->root, "/srv/img");
  ASSERT_EQ (flags->settings->policy_dirs->len, 2u);
  EXPECT_STREQ ((const char *) flags->settings->policy_dirs->pdata[1], "/b");
  EXPECT_STREQ (flags->settings->state_db, "/tmp/s.db");
  EXPECT_STREQ (flags->settings->config, "/etc/p.conf");
  EXPECT_TRUE (flags->settings->config_given);
  ASSERT_NE (flags->settings->now, nullptr);
  EXPECT_EQ (g_date_time_get_year (flags->settings->now), 2018);
}

TEST (ExtFlags, UnknownFlagsAreReportedNotFatal)
{
  auto flags = parse ({ "--socket", "/s", "--some_future_flag", "--other=1", "stray" });
  ASSERT_NE (flags, nullptr);
  EXPECT_STREQ (flags->socket, "/s");
  ASSERT_EQ (flags->ignored->len, 3u);
  EXPECT_STREQ ((const char *) flags->ignored->pdata[0], "--some_future_flag");
  EXPECT_STREQ ((const char *) flags->ignored->pdata[1], "--other=1");
  EXPECT_STREQ ((const char *) flags->ignored->pdata[2], "stray");
}

TEST (ExtFlags, BadValuesAreClearErrors)
{
  po_test::ErrorPtr error;
  EXPECT_EQ (parse ({ "--timeout", "soon" }, &error), nullptr);
  ASSERT_NE (error, nullptr);
  EXPECT_NE (strstr (error->message, "--timeout"), nullptr) << error->message;

  EXPECT_EQ (parse ({ "--socket" }, &error), nullptr);
  ASSERT_NE (error, nullptr);
  EXPECT_NE (strstr (error->message, "--socket needs a value"), nullptr) << error->message;

  EXPECT_EQ (parse ({ "--now", "yesterday" }, &error), nullptr);
  ASSERT_NE (error, nullptr);
  EXPECT_NE (strstr (error->message, "ISO 8601"), nullptr) << error->message;
}

TEST (Settings, SharedFlagNamesAndErrors)
{
  po_test::SettingsPtr settings (po_settings_new ());
  GError *raw = NULL;
  EXPECT_TRUE (po_settings_apply_flag (settings.get (), "--root", "/r", NULL));
  EXPECT_TRUE (po_settings_apply_flag (settings.get (), "state-db", "/s", NULL));
  EXPECT_FALSE (po_settings_apply_flag (settings.get (), "--rooot", "/r", &raw));
  po_test::ErrorPtr error (raw);
  ASSERT_NE (error, nullptr);
  EXPECT_NE (strstr (error->message, "unknown flag --rooot"), nullptr);
  g_autoptr (GPtrArray) dirs = po_settings_get_policy_dirs (settings.get ());
  ASSERT_EQ (dirs->len, 1u);
  EXPECT_STREQ ((const char *) dirs->pdata[0], "/etc/phaseout/policies.d");
}

}  // namespace
