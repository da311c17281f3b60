/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every row of every compliance table matches its schema through the
 * embedded engine: column names and order, SQLite types by declared type,
 * the closed vocabularies, and ISO 8601 dates.  (The osquery path is the
 * integration tests' part: the same rows travel as strings there.)
 */
#include "compliance-test-util.h"

#include <json-glib/json-glib.h>

using namespace po_test;

namespace {

const char *const kTables[] = { "banned_software", "phaseout_status", "phaseout_history",
                                "vendor_drivers" };

/* a fixture with findings for every source that can have any, and history */
class SchemaTest : public ::testing::Test {
 protected:
  void
  SetUp () override
  {
    world_.write ("proc/modules", "e1000e 335872 0 - Live 0x0000000000000000\n"
                                  "kav4fs_oas 16384 2 - Live 0x0000000000000000 (PO)\n");
    world_.write ("etc/opt/kaspersky/leftover.conf", "x=1\n");
    auto first = world_.runtime ("2017-12-01");
    query (first.get (), "SELECT * FROM banned_software");
    world_.remove_path ("proc/901");
    runtime_ = world_.runtime ("2017-12-05T10:00:00Z");
  }

  World world_{ "kes-host", "" };
  RuntimePtr runtime_;
};

/* a calendar date is YYYY-MM-DD and nothing else, so dates compare as text */
bool
is_calendar_date (const std::string &text)
{
  GDate date;

  if (!g_regex_match_simple ("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", text.c_str (), (GRegexCompileFlags) 0,
                             (GRegexMatchFlags) 0))
    return false;
  g_date_clear (&date, 1);
  g_date_set_parse (&date, text.c_str ());
  return g_date_valid (&date);
}

void
expect_date_or_null (const Row &row, const char *column)
{
  const std::string &value = row.at (column);
  if (value != "<NULL>")
    {
      EXPECT_TRUE (is_calendar_date (value)) << column << ": " << value;
    }
}

/* an instant is unix seconds, as osquery's time columns are */
void
expect_instant_or_null (const Row &row, const char *column)
{
  const std::string &value = row.at (column);
  if (value != "<NULL>")
    {
      EXPECT_TRUE (g_regex_match_simple ("^[1-9][0-9]{8,10}$", value.c_str (),
                                         (GRegexCompileFlags) 0, (GRegexMatchFlags) 0))
        << column << ": " << value;
    }
}

/*
 * a date and its _at column: both NULL or neither, and the instant within
 * the day after the date's start (a plain date passes at the next day's
 * 00:00 UTC; a time of day with an offset may fall a day either side)
 */
void
expect_date_and_instant (const Row &row, const char *date, const char *at)
{
  expect_date_or_null (row, date);
  expect_instant_or_null (row, at);
  EXPECT_EQ (row.at (date) == "<NULL>", row.at (at) == "<NULL>") << date << " and " << at;
  if (row.at (date) == "<NULL>" || row.at (date).empty ())
    return;
  gint64 start = g_ascii_strtoll (unix_time (row.at (date) + "T00:00:00Z").c_str (), NULL, 10);
  gint64 instant = g_ascii_strtoll (row.at (at).c_str (), NULL, 10);
  EXPECT_GT (instant, start - 86400) << at;
  EXPECT_LE (instant, start + 2 * 86400) << at;
}

void
expect_in (const std::string &value, std::initializer_list<const char *> allowed,
           const std::string &what)
{
  for (const char *a : allowed)
    if (value == a)
      return;
  ADD_FAILURE () << what << ": unexpected value '" << value << "'";
}

}  // namespace

TEST_F (SchemaTest, ColumnsAndTypesMatchTheSchemas)
{
  for (const char *name : kTables)
    {
      const PoTable *table = po_tables_lookup (name);
      ASSERT_NE (table, nullptr) << name;
      const PoTableSchema *schema = table->schema;

      /* SELECT *: names and order */
      PoResult *result = nullptr;
      GError *error = nullptr;
      std::string select = std::string ("SELECT * FROM ") + name;
      ASSERT_TRUE (po_engine_query (runtime_.get (), select.c_str (), &result, &error))
        << error->message;
      ASSERT_EQ (result->column_names->len, schema->n_columns) << name;
      for (guint c = 0; c < schema->n_columns; c++)
        EXPECT_STREQ ((const char *) g_ptr_array_index (result->column_names, c),
                      schema->columns[c].name)
          << name;
      EXPECT_GT (result->rows->len, 0u) << name << " has no rows to check";
      po_result_free (result);

      /* typeof() of every cell */
      std::string sql = "SELECT ";
      for (guint c = 0; c < schema->n_columns; c++)
        sql += std::string (c > 0 ? ", " : "") + "typeof(\"" + schema->columns[c].name + "\") AS \""
               + schema->columns[c].name + "\"";
      sql += std::string (" FROM ") + name;
      for (const auto &row : query (runtime_.get (), sql))
        for (guint c = 0; c < schema->n_columns; c++)
          {
            const std::string &type = row.at (schema->columns[c].name);
            std::string what = std::string (name) + "." + schema->columns[c].name;
            switch (schema->columns[c].type)
              {
              case PO_COLUMN_TEXT:
                expect_in (type, { "text", "null" }, what);
                break;
              case PO_COLUMN_INTEGER:
              case PO_COLUMN_BIGINT:
              case PO_COLUMN_UNSIGNED_BIGINT:
                expect_in (type, { "integer", "null" }, what);
                break;
              case PO_COLUMN_DOUBLE:
                expect_in (type, { "real", "null" }, what);
                break;
              }
          }
    }
}

TEST_F (SchemaTest, BannedSoftwareValues)
{
  auto rows = query (runtime_.get (), "SELECT * FROM banned_software");
  ASSERT_FALSE (rows.empty ());
  for (const auto &row : rows)
    {
      for (const char *column :
           { "policy_id", "applicability", "vendor", "vendor_name", "source", "name", "indicator",
             "confidence", "finding", "required_action", "first_seen", "last_seen" })
        EXPECT_NE (row.at (column), "<NULL>") << column << " of " << row.at ("finding");
      expect_in (row.at ("source"),
                 { "deb", "rpm", "snap", "flatpak", "process", "systemd_unit", "path",
                   "kernel_module" },
                 "source");
      expect_in (row.at ("applicability"), { "binding", "advisory" }, "applicability");
      expect_in (row.at ("confidence"), { "verified", "corroborated", "weak" }, "confidence");
      EXPECT_EQ (row.at ("finding"), row.at ("source") + ":" + row.at ("name"));
      EXPECT_EQ (row.at ("product") == "<NULL>", row.at ("category") == "<NULL>");
      EXPECT_EQ (row.at ("pid") != "<NULL>", row.at ("source") == "process");
      for (const char *column : { "first_seen", "last_seen" })
        expect_instant_or_null (row, column);
      expect_date_and_instant (row, "deadline", "deadline_at");
      expect_date_and_instant (row, "next_milestone_date", "next_milestone_at");
    }
  /* every source this fixture can show, including a vendor-wide path */
  EXPECT_EQ (values (rows, "source"), (std::vector<std::string>{ "deb", "kernel_module", "path",
                                                                 "process", "systemd_unit" }));
  auto vendor_wide = where (rows, "name", "/etc/opt/kaspersky");
  ASSERT_FALSE (vendor_wide.empty ());
  EXPECT_EQ (vendor_wide[0].at ("product"), "<NULL>");
  EXPECT_EQ (vendor_wide[0].at ("indicator"), "linux.path:/etc/opt/kaspersky/*");
  /* vendor-wide findings count only for policies covering every category */
  for (const auto &row : vendor_wide)
    expect_in (row.at ("policy_id"),
               { "lt-gov-2017", "us-dhs-bod-17-01", "us-doc-ictsfd-2024", "us-ndaa18-1634" },
               "policy of a vendor-wide finding");
}

TEST_F (SchemaTest, StatusValues)
{
  auto rows = query (runtime_.get (), "SELECT * FROM phaseout_status");
  ASSERT_EQ (rows.size (), 26u);
  for (const auto &row : rows)
    {
      expect_in (row.at ("status"),
                 { "compliant", "action_required", "overdue", "advisory", "not_applicable" },
                 "status");
      expect_in (row.at ("applicability"),
                 { "binding", "advisory", "excluded", "out_of_scope", "other_jurisdiction",
                   "switched_off", "not_issued", "other_devices" },
                 "applicability");
      expect_in (row.at ("deadline_source"), { "policy", "grace_period", "<NULL>" },
                 "deadline_source");
      EXPECT_EQ (row.at ("deadline") == "<NULL>", row.at ("days_remaining") == "<NULL>");
      EXPECT_EQ (row.at ("evaluated_at"), unix_time ("2017-12-05T10:00:00Z"));
      for (const char *column : { "first_detected", "evaluated_at" })
        expect_instant_or_null (row, column);
      expect_date_and_instant (row, "deadline", "deadline_at");
      expect_date_and_instant (row, "next_milestone_date", "next_milestone_at");
    }
}

TEST_F (SchemaTest, HistoryValues)
{
  auto rows = query (runtime_.get (), "SELECT * FROM phaseout_history");
  ASSERT_FALSE (rows.empty ());
  EXPECT_FALSE (where (rows, "present", "0").empty ());
  for (const auto &row : rows)
    {
      EXPECT_EQ (row.at ("present") == "1", row.at ("removed_at") == "<NULL>");
      for (const char *column : { "first_seen", "last_seen", "removed_at" })
        expect_instant_or_null (row, column);
    }
  /* the agent's process went away between the two scans */
  auto gone = where (where (rows, "finding", "process:klnagent"), "policy_id", "us-dhs-bod-17-01");
  ASSERT_EQ (gone.size (), 1u);
  EXPECT_EQ (gone[0].at ("removed_at"), unix_time ("2017-12-05T10:00:00Z"));
}

TEST_F (SchemaTest, PoliciesValues)
{
  auto rows = query (runtime_.get (), "SELECT * FROM phaseout_policies");
  ASSERT_EQ (rows.size (), 26u);
  for (const auto &row : rows)
    {
      SCOPED_TRACE (row.at ("id"));
      EXPECT_TRUE (is_calendar_date (row.at ("issued"))) << row.at ("issued");
      /* all alone, or a list of the three classes; all when the file says nothing */
      EXPECT_TRUE (
        g_regex_match_simple ("^(all|(mobile|desktop|server)(,(mobile|desktop|server))*)$",
                              row.at ("devices").c_str (), (GRegexCompileFlags) 0,
                              (GRegexMatchFlags) 0))
        << row.at ("devices");
      EXPECT_EQ (row.at ("applicability") == "other_devices", row.at ("devices") == "mobile")
        << row.at ("applicability");
      /* no deadline: an empty date and no instant */
      if (row.at ("deadline").empty ())
        {
          EXPECT_EQ (row.at ("deadline_at"), "<NULL>");
        }
      else
        expect_date_and_instant (row, "deadline", "deadline_at");
      /* every milestone: a calendar date, an instant, a time only when one is given */
      g_autoptr (JsonParser) parser = json_parser_new ();
      ASSERT_TRUE (json_parser_load_from_data (parser, row.at ("milestones").c_str (), -1, NULL));
      JsonArray *milestones = json_node_get_array (json_parser_get_root (parser));
      for (guint i = 0; i < json_array_get_length (milestones); i++)
        {
          JsonObject *milestone = json_array_get_object_element (milestones, i);
          EXPECT_TRUE (is_calendar_date (json_object_get_string_member (milestone, "date")));
          EXPECT_EQ (json_node_get_value_type (json_object_get_member (milestone, "at")),
                     G_TYPE_INT64);
          if (i + 1 == json_array_get_length (milestones))
            {
              EXPECT_EQ (std::to_string (json_object_get_int_member (milestone, "at")),
                         row.at ("deadline_at"));
            }
        }
    }
}

TEST_F (SchemaTest, VendorDriversValues)
{
  auto rows = query (runtime_.get (), "SELECT * FROM vendor_drivers");
  ASSERT_FALSE (rows.empty ());
  for (const auto &row : rows)
    {
      expect_in (row.at ("attribution"), { "catalogue", "signer", "author", "in_tree", "<NULL>" },
                 "attribution");
      EXPECT_EQ (row.at ("covered") == "1", row.at ("policy_ids") != "");
      EXPECT_EQ (row.at ("vendor") == "<NULL>", row.at ("attribution") == "<NULL>");
    }
}
