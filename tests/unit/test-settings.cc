/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The settings table (src/po-settings-table.c) is the only list of
 * settings: every front end takes every row, under the names the row
 * gives, and phaseout_info and phaseout(1) show every row.  A new row
 * passes these tests with no other change, or names what it lacks.
 */
#include <gtest/gtest.h>

#include <set>
#include <sys/stat.h>

#include "po-ext-flags.h"
#include "po-test-shim.h"

using namespace po_test;

namespace {

using FlagsPtr = Owned<PoExtFlags, po_ext_flags_free>;
using ProfilePtr = Owned<PoProfile, po_profile_unref>;

std::vector<const PoSettingInfo *>
rows (bool profile_keys)
{
  guint n_rows;
  const PoSettingInfo *table = po_settings_get_table (&n_rows);
  std::vector<const PoSettingInfo *> out;
  for (guint i = 0; i < n_rows; i++)
    if ((table[i].kind == PO_SETTING_PROFILE) == profile_keys)
      out.push_back (&table[i]);
  return out;
}

/* "policy-dir" -> "policy\-dir", as roff writes a hyphen */
std::string
roff (const std::string &text)
{
  std::string out;
  for (char c : text)
    {
      if (c == '-')
        out += '\\';
      out += c;
    }
  return out;
}

TEST (SettingsTable, EveryRowSaysWhatItIsEverywhere)
{
  std::set<std::string> names, options;
  for (bool profile_keys : { false, true })
    for (const PoSettingInfo *row : rows (profile_keys))
      {
        SCOPED_TRACE (row->name);
        EXPECT_TRUE (names.insert (row->name).second) << "two rows named " << row->name;
        EXPECT_NE (row->help, nullptr);
        EXPECT_NE (row->man, nullptr);
        EXPECT_NE (row->example, nullptr);
        if (row->osquery_option != NULL)
          {
            EXPECT_TRUE (g_str_has_prefix (row->osquery_option, "custom_phaseout_"));
            EXPECT_TRUE (options.insert (row->osquery_option).second);
            EXPECT_EQ (po_settings_lookup_option (row->osquery_option), row);
            /* as a bare phaseout_* name, too */
            EXPECT_EQ (po_settings_lookup_option (row->osquery_option + strlen ("custom_")), row);
          }
        EXPECT_EQ (po_settings_lookup (row->name), row);
        if (profile_keys)
          {
            EXPECT_NE (row->profile_key, PO_PROFILE_KEY_NONE);
            EXPECT_NE (row->osquery_option, nullptr) << "a profile key osquery cannot set";
          }
        else
          {
            EXPECT_NE (row->argument, nullptr);
            EXPECT_EQ (po_settings_lookup ((std::string ("--") + row->name).c_str ()), row);
          }
      }
}

TEST (SettingsTable, CommandLineTakesEveryFlag)
{
  for (const PoSettingInfo *row : rows (false))
    {
      SCOPED_TRACE (row->name);
      SettingsPtr settings (po_settings_new ());
      GOptionContext *context = g_option_context_new (NULL);
      g_option_context_add_group (context, po_settings_option_group (settings.get ()));
      std::string flag = std::string ("--") + row->name;
      std::vector<char *> argv = { (char *) "phaseout", flag.data (), (char *) row->example };
      int argc = (int) argv.size ();
      char **args = argv.data ();
      ErrorPtr error;
      GError *raw = NULL;
      bool ok = g_option_context_parse (context, &argc, &args, &raw);
      error.reset (raw);
      g_option_context_free (context);
      ASSERT_TRUE (ok) << error->message;
      EXPECT_TRUE (po_settings_is_set (settings.get (), row));
    }
}

TEST (SettingsTable, ExtensionTakesEveryFlagBothWays)
{
  for (const PoSettingInfo *row : rows (false))
    for (bool joined : { false, true })
      {
        SCOPED_TRACE (std::string (row->name) + (joined ? " (--flag=value)" : ""));
        std::string flag = std::string ("--") + row->name;
        std::string value = row->example;
        std::string together = flag + "=" + value;
        std::vector<char *> argv = { (char *) "phaseout.ext" };
        if (joined)
          argv.push_back (together.data ());
        else
          {
            argv.push_back (flag.data ());
            argv.push_back (value.data ());
          }
        FlagsPtr flags (po_ext_flags_new ());
        GError *raw = NULL;
        bool ok = po_ext_flags_parse (flags.get (), (int) argv.size (), argv.data (), &raw);
        ErrorPtr error (raw);
        ASSERT_TRUE (ok) << error->message;
        EXPECT_EQ (flags->ignored->len, 0u);
        EXPECT_TRUE (po_settings_is_set (flags->settings, row));
      }
  /* and its usage names them */
  for (const PoSettingInfo *row : rows (false))
    EXPECT_NE (strstr (po_ext_flags_usage (), (std::string ("--") + row->name).c_str ()), nullptr)
      << row->name;
}

TEST (SettingsTable, OsqueryOptionsSetTheFlagsTheyName)
{
  for (const PoSettingInfo *row : rows (false))
    {
      if (row->osquery_option == NULL)
        continue;
      SCOPED_TRACE (row->osquery_option);
      SettingsPtr settings (po_settings_new ());
      GHashTable *options = g_hash_table_new (g_str_hash, g_str_equal);
      g_hash_table_insert (options, (gpointer) row->osquery_option, (gpointer) row->example);
      po_ext_options_apply_settings (settings.get (), options);
      g_hash_table_unref (options);
      EXPECT_TRUE (po_settings_is_set (settings.get (), row));
    }
}

TEST (SettingsTable, OsqueryOptionsReachTheProfile)
{
  for (const PoSettingInfo *row : rows (true))
    {
      SCOPED_TRACE (row->osquery_option);
      TempDir dir;
      /* an empty configuration: what is in the profile came from the option */
      dir.write ("phaseout.conf", "");
      RuntimePtr runtime = make_runtime ({ { "root", dir.path () },
                                           { "config", dir.file ("phaseout.conf") },
                                           { "policy-dir", dir.file ("none") } });
      ASSERT_NE (runtime, nullptr);
      GError *raw = NULL;
      bool ok = po_runtime_set_profile_option (runtime.get (), row->osquery_option, row->example,
                                               &raw);
      ErrorPtr error (raw);
      ASSERT_TRUE (ok) << error->message;
      PoProfile *profile = NULL;
      ASSERT_TRUE (po_runtime_get_profile (runtime.get (), &profile, &raw)) << raw->message;
      ProfilePtr owned (profile);
      ASSERT_NE (profile, nullptr);
      g_autofree gchar *problem = po_runtime_get_profile_problem (runtime.get ());
      EXPECT_EQ (problem, nullptr) << problem;
    }
}

/* a copy holds every flag, whatever its kind, and outlives the original */
TEST (SettingsTable, CopyKeepsEveryFlag)
{
  SettingsPtr settings (po_settings_new ());
  for (const PoSettingInfo *row : rows (false))
    ASSERT_TRUE (po_settings_apply_flag (settings.get (), row->name, row->example, NULL))
      << row->name;
  SettingsPtr copy (po_settings_copy (settings.get ()));
  std::vector<std::string> before;
  for (const PoSettingInfo *row : rows (false))
    if (row->describe != NULL)
      {
        g_autofree gchar *text = row->describe (settings.get (), FALSE);
        before.push_back (text);
      }
  settings.reset ();
  size_t i = 0;
  for (const PoSettingInfo *row : rows (false))
    {
      EXPECT_TRUE (po_settings_is_set (copy.get (), row)) << row->name;
      if (row->describe != NULL)
        {
          g_autofree gchar *text = row->describe (copy.get (), FALSE);
          EXPECT_EQ (before[i++], text) << row->name;
        }
    }
}

/* phaseout_info shows each flag's value in effect, in the column its row names */
TEST (SettingsTable, PhaseoutInfoShowsEveryFlag)
{
  TempDir dir;
  std::vector<std::pair<std::string, std::string>> flags;
  std::vector<std::pair<const PoSettingInfo *, std::string>> expected;
  for (const PoSettingInfo *row : rows (false))
    {
      std::string value;
      switch (row->kind)
        {
        case PO_SETTING_PATH:
        case PO_SETTING_PATH_LIST:
          /* an empty directory for every path: the table answers whatever is in them */
          value = dir.file (row->name);
          ASSERT_EQ (g_mkdir_with_parents (value.c_str (), 0700), 0);
          break;
        case PO_SETTING_TIME:
          value = row->example;
          break;
        case PO_SETTING_PROFILE:
          FAIL ();
        }
      flags.emplace_back (row->name, value);
      if (row->info_column == NULL)
        continue;
      if (row->kind == PO_SETTING_TIME)
        {
          SettingsPtr settings (po_settings_new ());
          ASSERT_TRUE (po_settings_apply_flag (settings.get (), row->name, value.c_str (), NULL));
          GDateTime *when = *(GDateTime **) G_STRUCT_MEMBER_P (settings.get (), row->offset);
          value = std::to_string (g_date_time_to_unix (when));
        }
      expected.emplace_back (row, value);
    }
  ASSERT_FALSE (expected.empty ());
  /* the state database must be a file: a directory's sibling */
  for (auto &flag : flags)
    if (flag.first == "state-db")
      flag.second += "/state.db";
  for (auto &want : expected)
    if (std::string (want.first->name) == "state-db")
      want.second += "/state.db";

  RuntimePtr runtime = make_runtime (flags);
  ASSERT_NE (runtime, nullptr);
  for (const auto &want : expected)
    {
      SCOPED_TRACE (want.first->name);
      std::string sql = std::string ("SELECT ") + want.first->info_column + " FROM phaseout_info";
      PoResult *raw_result = NULL;
      GError *raw = NULL;
      ASSERT_TRUE (po_engine_query (runtime.get (), sql.c_str (), &raw_result, &raw))
        << raw->message;
      ResultPtr result (raw_result);
      ASSERT_EQ (result->rows->len, 1u);
      auto *cells = static_cast<GPtrArray *> (result->rows->pdata[0]);
      ASSERT_NE (cells->pdata[0], nullptr);
      EXPECT_EQ (static_cast<const char *> (cells->pdata[0]), want.second);
    }
}

/* phaseout(1) as the build writes it: every flag and profile key, with its osquery option */
TEST (SettingsTable, ManPageNamesEverySetting)
{
  std::string page = read_file (PO_TEST_BUILD_DIR "/packaging/phaseout.1");
  ASSERT_FALSE (page.empty ());
  EXPECT_EQ (page.find ("@PHASEOUT_MAN"), std::string::npos) << "a placeholder was left";
  for (const PoSettingInfo *row : rows (false))
    EXPECT_NE (page.find (".BI \\-\\-" + roff (row->name) + "= " + row->argument),
               std::string::npos)
      << row->name;
  for (const PoSettingInfo *row : rows (true))
    EXPECT_NE (page.find (".BR " + roff (row->name) + " \" (osquery: \" "
                          + roff (row->osquery_option)),
               std::string::npos)
      << row->name;
}

}  // namespace
