/* SPDX-License-Identifier: Apache-2.0 */
#include <gtest/gtest.h>

#include "po-test-shim.h"

namespace {

TEST (Rows, CellsStartNullAndKeepValues)
{
  po_test::RowsPtr rows (po_rows_new (&po_schema_phaseout_info));
  po_rows_add (rows.get ());
  po_rows_set_text (rows.get (), COL_PHASEOUT_INFO_VERSION, "1.2");
  po_rows_set_int (rows.get (), COL_PHASEOUT_INFO_PID, -42);
  po_rows_set_bool (rows.get (), COL_PHASEOUT_INFO_CLOCK_INJECTED, TRUE);
  ASSERT_EQ (po_rows_get_n_rows (rows.get ()), 1u);
  EXPECT_STREQ (po_rows_get (rows.get (), 0, COL_PHASEOUT_INFO_VERSION), "1.2");
  EXPECT_STREQ (po_rows_get (rows.get (), 0, COL_PHASEOUT_INFO_PID), "-42");
  EXPECT_STREQ (po_rows_get (rows.get (), 0, COL_PHASEOUT_INFO_CLOCK_INJECTED), "1");
  EXPECT_EQ (po_rows_get (rows.get (), 0, COL_PHASEOUT_INFO_ROOT), nullptr);
}

TEST (Rows, UnsignedAndDouble)
{
  po_test::RowsPtr rows (po_rows_new (&po_schema_phaseout_info));
  po_rows_add (rows.get ());
  po_rows_set_uint (rows.get (), 0, G_MAXUINT64);
  po_rows_set_double (rows.get (), 1, 0.5);
  EXPECT_STREQ (po_rows_get (rows.get (), 0, 0), "18446744073709551615");
  EXPECT_STREQ (po_rows_get (rows.get (), 0, 1), "0.5");
}

TEST (Rows, InvalidUtf8IsReplacedNeverPassedOn)
{
  po_test::RowsPtr rows (po_rows_new (&po_schema_phaseout_info));
  po_rows_add (rows.get ());
  po_rows_set_text (rows.get (), 0,
                    "kav\xff\xfe"
                    "x");
  const gchar *value = po_rows_get (rows.get (), 0, 0);
  EXPECT_TRUE (g_utf8_validate (value, -1, NULL));
  EXPECT_TRUE (g_str_has_prefix (value, "kav"));
  EXPECT_TRUE (g_str_has_suffix (value, "x"));

  /* an embedded NUL does not silently cut the value short */
  po_rows_set_text_len (rows.get (), 1, "a\0b", 3);
  value = po_rows_get (rows.get (), 0, 1);
  EXPECT_TRUE (g_utf8_validate (value, -1, NULL));
  EXPECT_TRUE (g_str_has_suffix (value, "b")) << value;
}

TEST (Rows, DiscardLastDropsOnlyTheNewestRow)
{
  po_test::RowsPtr rows (po_rows_new (&po_schema_phaseout_info));
  po_rows_add (rows.get ());
  po_rows_set_text (rows.get (), 0, "first");
  po_rows_add (rows.get ());
  po_rows_set_text (rows.get (), 0, "second");
  po_rows_discard_last (rows.get ());
  ASSERT_EQ (po_rows_get_n_rows (rows.get ()), 1u);
  EXPECT_STREQ (po_rows_get (rows.get (), 0, 0), "first");
}

TEST (Rows, ManyRows)
{
  po_test::RowsPtr rows (po_rows_new (&po_schema_phaseout_info));
  for (int i = 0; i < 200000; i++)
    {
      po_rows_add (rows.get ());
      po_rows_set_int (rows.get (), COL_PHASEOUT_INFO_PID, i);
    }
  ASSERT_EQ (po_rows_get_n_rows (rows.get ()), 200000u);
  EXPECT_STREQ (po_rows_get (rows.get (), 199999, COL_PHASEOUT_INFO_PID), "199999");
}

}  // namespace
