/* SPDX-License-Identifier: Apache-2.0 */
#include "catalogue-test-util.h"

namespace po_test {

std::string
project_path (const std::string &relative)
{
  return std::string (PO_TEST_PROJECT_DIR) + "/" + relative;
}

::testing::AssertionResult
Contains (const std::string &haystack, const std::string &needle)
{
  if (haystack.find (needle) != std::string::npos)
    return ::testing::AssertionSuccess ();
  return ::testing::AssertionFailure () << "\"" << needle << "\" not found in:\n" << haystack;
}

std::string
policy_json (const std::string &id, const std::map<std::string, std::string> &members)
{
  std::vector<std::pair<std::string, std::string>> fields = {
    { "id", "\"" + id + "\"" },
    { "title", "\"Test policy " + id + "\"" },
    { "issuer", "\"Test issuer\"" },
    { "jurisdiction", "\"NL\"" },
    { "instrument", "\"Test instrument\"" },
    { "issued", "\"2020-01-01\"" },
    { "binding", "true" },
    { "vendors", "[\"kaspersky\"]" },
    { "categories", "[\"antivirus\"]" },
    { "scope", "{\"binds\": [\"central-government\"], \"advises\": [], \"excludes\": []}" },
    { "milestones", "[]" },
    { "sources", "[{\"title\": \"Test source\", \"url\": \"https://example.org/" + id + "\"}]" },
  };
  std::string out = "{";
  bool first = true;

  for (auto &field : fields)
    {
      auto replaced = members.find (field.first);
      if (replaced != members.end ())
        field.second = replaced->second;
    }
  for (const auto &member : members)
    {
      bool known = false;
      for (const auto &field : fields)
        known = known || field.first == member.first;
      if (!known)
        fields.emplace_back (member.first, member.second);
    }
  for (const auto &field : fields)
    {
      if (field.second.empty ())
        continue;
      out += (first ? "\"" : ", \"") + field.first + "\": " + field.second;
      first = false;
    }
  return out + "}";
}

std::string
policy_file (const std::vector<std::string> &policies)
{
  std::string out = "{\"format\": 1, \"policies\": [";
  for (size_t i = 0; i < policies.size (); i++)
    out += (i > 0 ? ", " : "") + policies[i];
  return out + "]}\n";
}

OptionsPtr
options_for_dirs (const std::vector<std::string> &dirs, bool builtin)
{
  OptionsPtr options (po_catalogue_options_new ());
  po_catalogue_options_set_builtin (options.get (), builtin);
  po_catalogue_options_set_permissions (options.get (), FALSE, 0);
  for (const auto &dir : dirs)
    po_catalogue_options_add_policy_dir (options.get (), dir.c_str (), TRUE);
  return options;
}

std::string
problems_text (PoCatalogue *catalogue)
{
  GPtrArray *problems = po_catalogue_get_problems (catalogue);
  std::string out;
  for (guint i = 0; i < problems->len; i++)
    out += std::string (((PoCatalogueProblem *) g_ptr_array_index (problems, i))->message) + "\n";
  return out;
}

std::pair<bool, std::string>
check_file (const std::string &path)
{
  const gchar *files[] = { path.c_str (), NULL };
  GString *report = g_string_new (NULL);
  GError *error = NULL;
  bool ok = po_cli_policy_check (files, report, &error);
  std::string text (report->str);

  g_string_free (report, TRUE);
  if (!ok)
    {
      EXPECT_TRUE (error != NULL);
      if (error != NULL)
        {
          EXPECT_EQ (error->domain, PO_ERROR);
          g_error_free (error);
        }
    }
  return { ok, text };
}

ProfilePtr
profile_from (const std::string &key_file_text)
{
  GKeyFile *key_file = g_key_file_new ();
  GError *error = NULL;
  PoProfile *profile = po_profile_new ();

  if (!g_key_file_load_from_data (key_file, key_file_text.c_str (), -1, G_KEY_FILE_NONE, &error)
      || !po_profile_load_key_file (profile, key_file, "test.conf", &error))
    {
      ADD_FAILURE () << error->message;
      g_error_free (error);
    }
  g_key_file_unref (key_file);
  return ProfilePtr (profile);
}

const char *const kAfterEveryIssue = "2026-01-01T00:00:00Z";

GDateTime *
parse_time (const std::string &iso8601)
{
  GTimeZone *utc = g_time_zone_new_utc ();
  GDateTime *time = g_date_time_new_from_iso8601 (iso8601.c_str (), utc);

  g_time_zone_unref (utc);
  if (time == NULL)
    ADD_FAILURE () << "bad time " << iso8601;
  return time;
}

std::pair<std::string, std::string>
evaluate (PoCatalogue *catalogue, const std::string &id, PoProfile *profile, const std::string &now)
{
  PoPolicy *policy = po_catalogue_lookup_policy (catalogue, id.c_str ());
  PoApplicability applicability;
  gchar *reason = NULL;
  GDateTime *when = parse_time (now);

  if (policy == NULL || when == NULL)
    {
      ADD_FAILURE () << "no policy " << id;
      g_clear_pointer (&when, g_date_time_unref);
      return { "", "" };
    }
  po_policy_evaluate (policy, profile, when, &applicability, &reason);
  std::pair<std::string, std::string> out (po_applicability_to_string (applicability), reason);
  g_free (reason);
  g_date_time_unref (when);
  return out;
}

PoCatalogue *
builtin_catalogue ()
{
  static PoCatalogue *catalogue = po_catalogue_new_builtin ();
  return catalogue;
}

}  // namespace po_test
