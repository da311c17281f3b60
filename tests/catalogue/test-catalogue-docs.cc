/* SPDX-License-Identifier: Apache-2.0 */
/*
 * docs/policy.schema.json states the format's vocabularies a second time,
 * for editors and CI pipelines; these tests keep it equal to what the
 * validator accepts.
 */
#include "catalogue-test-util.h"

#include <json-glib/json-glib.h>

using namespace po_test;

namespace {

class PolicySchema : public ::testing::Test {
 protected:
  void
  SetUp () override
  {
    GError *error = NULL;
    parser_ = json_parser_new ();
    ASSERT_TRUE (json_parser_load_from_file (parser_,
                                             project_path ("docs/policy.schema.json").c_str (),
                                             &error))
      << (error != NULL ? error->message : "");
    defs_ = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser_)),
                                           "$defs");
    ASSERT_TRUE (defs_ != NULL);
  }
  void
  TearDown () override
  {
    g_object_unref (parser_);
  }

  /* the strings of a JSON array */
  static std::vector<std::string>
  strings (JsonArray *array)
  {
    std::vector<std::string> out;
    for (guint i = 0; i < json_array_get_length (array); i++)
      out.push_back (json_array_get_string_element (array, i));
    return out;
  }

  /* the enum of $defs.<name>.anyOf[0] */
  std::vector<std::string>
  first_enum (const char *name)
  {
    JsonObject *def = json_object_get_object_member (defs_, name);
    JsonArray *any_of = json_object_get_array_member (def, "anyOf");
    return strings (
      json_object_get_array_member (json_array_get_object_element (any_of, 0), "enum"));
  }

  static std::vector<std::string>
  strv (const gchar *const *list)
  {
    std::vector<std::string> out;
    for (guint i = 0; list[i] != NULL; i++)
      out.push_back (list[i]);
    return out;
  }

  JsonParser *parser_ = NULL;
  JsonObject *defs_ = NULL;
};

}  // namespace

TEST_F (PolicySchema, CategoriesMatchTheValidator)
{
  EXPECT_EQ (first_enum ("category"), strv (po_vocabulary_get_categories ()));
}

TEST_F (PolicySchema, OrganisationTypesMatchTheValidator)
{
  EXPECT_EQ (first_enum ("organisationType"), strv (po_vocabulary_get_organisation_types ()));
}

TEST_F (PolicySchema, MilestoneKindsMatchTheValidator)
{
  JsonObject *milestone = json_object_get_object_member (defs_, "milestone");
  JsonObject *kind = json_object_get_object_member (json_object_get_object_member (milestone,
                                                                                   "properties"),
                                                    "kind");
  EXPECT_EQ (strings (json_object_get_array_member (kind, "enum")),
             strv (po_vocabulary_get_milestone_kinds ()));
}

TEST_F (PolicySchema, IndicatorKindsMatchTheValidator)
{
  JsonObject *platforms = json_object_get_object_member (
    json_object_get_object_member (defs_, "indicators"), "properties");
  std::vector<std::string> in_schema, in_code;

  for (const char *platform : { "linux", "windows", "macos" })
    {
      JsonObject *kinds = json_object_get_object_member (json_object_get_object_member (platforms,
                                                                                        platform),
                                                         "properties");
      GList *members = json_object_get_members (kinds);
      for (GList *l = members; l != NULL; l = l->next)
        in_schema.push_back (std::string (platform) + "." + (const char *) l->data);
      g_list_free (members);
    }
  for (guint i = 0; i < PO_INDICATOR_KIND_N; i++)
    in_code.push_back (po_indicator_kind_to_string ((PoIndicatorKind) i));
  EXPECT_EQ (in_schema, in_code);
}

TEST_F (PolicySchema, OrganisationTypeParentsAreKnownTypes)
{
  for (const gchar *const *type = po_vocabulary_get_organisation_types (); *type != NULL; type++)
    {
      const gchar *parent = po_vocabulary_get_organisation_parent (*type);
      if (parent != NULL)
        {
          EXPECT_TRUE (g_strv_contains (po_vocabulary_get_organisation_types (), parent)) << *type;
        }
    }
  EXPECT_STREQ (po_vocabulary_get_organisation_parent ("municipality"), "local-government");
  EXPECT_STREQ (po_vocabulary_get_organisation_parent ("federal-executive"), "central-government");
}

/* the organisation-type table of docs/policy-format.md says what the vocabulary says */
TEST (PolicyFormatDoc, OrganisationTypeTableMatchesTheVocabulary)
{
  gchar *text = NULL;
  ASSERT_TRUE (
    g_file_get_contents (project_path ("docs/policy-format.md").c_str (), &text, NULL, NULL));
  std::string doc (text);
  g_free (text);

  for (const gchar *const *type = po_vocabulary_get_organisation_types (); *type != NULL; type++)
    {
      std::string start = std::string ("\n| `") + *type + "` |";
      size_t at = doc.find (start);
      ASSERT_NE (at, std::string::npos) << *type << " is not in the table";
      std::string line = doc.substr (at + 1, doc.find ('\n', at + 1) - at - 1);
      gchar **cells = g_strsplit (line.c_str (), "|", -1);
      ASSERT_GE (g_strv_length (cells), 5u) << line;
      g_autofree gchar *parent = g_strstrip (g_strdup (cells[2]));
      g_autofree gchar *jurisdiction = g_strstrip (g_strdup (cells[3]));
      g_strfreev (cells);
      const gchar *want_parent = po_vocabulary_get_organisation_parent (*type);
      const gchar *want_jurisdiction = po_vocabulary_get_organisation_jurisdiction (*type);
      EXPECT_STREQ (parent, want_parent != NULL ? want_parent : "") << *type;
      EXPECT_STREQ (jurisdiction, want_jurisdiction != NULL ? want_jurisdiction : "") << *type;
    }
  EXPECT_STREQ (po_vocabulary_get_organisation_jurisdiction ("federal-contractor"), "US");
  EXPECT_STREQ (po_vocabulary_get_organisation_jurisdiction ("government-supplier"), NULL);
}
