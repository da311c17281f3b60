/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The indicator kind descriptors (po-indicator-kinds.c): every kind is
 * described completely and consistently, every osquery site and every
 * Linux collector is used by some kind, and the policy format's table of
 * kinds says what the descriptors say.
 */
#include "catalogue-test-util.h"

#include <set>

using namespace po_test;

namespace {

const PoOsqueryKey *
site_key (const PoOsquerySiteInfo *site, const char *alias)
{
  for (const PoOsqueryKey &key : site->keys)
    if (key.alias != nullptr && g_str_equal (key.alias, alias))
      return &key;
  return nullptr;
}

const char *
case_word (PoTextRule rule)
{
  switch (rule)
    {
    case PO_TEXT_EXACT:
    case PO_TEXT_KMOD:
      return "sensitive";
    case PO_TEXT_FOLD:
    case PO_TEXT_WINPATH:
      return "insensitive";
    case PO_TEXT_FREE:
      return "free text";
    }
  return "?";
}

}  // namespace

TEST (IndicatorKinds, EveryKindHasACompleteDescriptor)
{
  const std::set<std::string> platforms = { "linux", "windows", "macos" };

  for (guint k = 0; k < PO_INDICATOR_KIND_N; k++)
    {
      PoIndicatorKind kind = (PoIndicatorKind) k;
      const PoIndicatorKindInfo *info = po_indicator_kind_get_info (kind);
      guint n_exports = 0;

      ASSERT_NE (info->name, nullptr) << "kind " << k << " has no descriptor";
      SCOPED_TRACE (info->name);
      ASSERT_NE (info->platform, nullptr);
      ASSERT_NE (info->key, nullptr);
      EXPECT_TRUE (platforms.count (info->platform));
      EXPECT_EQ (std::string (info->name), std::string (info->platform) + "." + info->key);
      ASSERT_NE (info->doc, nullptr);
      EXPECT_NE (info->doc[0], '\0');

      PoIndicatorKind back;
      ASSERT_TRUE (po_indicator_kind_from_string (info->name, &back));
      EXPECT_EQ (back, kind);

      /* the Linux collectors look for Linux kinds, and for every one of them */
      if (g_str_equal (info->platform, "linux"))
        EXPECT_NE (info->sources, 0u);
      else
        EXPECT_EQ (info->sources, 0u);
      EXPECT_EQ (info->sources & ~PO_FINDING_SOURCES_ALL, 0u);

      for (const PoIndicatorExport &rule : info->exports)
        {
          if (rule.keys[0] == nullptr)
            break;
          n_exports++;
          ASSERT_LT (rule.site, PO_OSQUERY_SITE_N);
          const PoOsquerySiteInfo *site = po_osquery_site_get_info (rule.site);
          EXPECT_STREQ (site->platform, info->platform) << site->table;
          for (const char *alias : rule.keys)
            {
              if (alias == nullptr)
                continue;
              const PoOsqueryKey *key = site_key (site, alias);
              ASSERT_NE (key, nullptr) << site->table << " has no key " << alias;
              /* the column is normalised as the kind compares */
              EXPECT_EQ (key->rule, info->rule) << site->table << "." << alias;
            }
        }
      /* the export looks for it, or says why not */
      EXPECT_NE (n_exports > 0, info->not_exported != nullptr);
    }
}

TEST (IndicatorKinds, EverySiteAndSourceIsUsed)
{
  std::set<guint> sites;
  guint sources = 0;

  for (guint k = 0; k < PO_INDICATOR_KIND_N; k++)
    {
      const PoIndicatorKindInfo *info = po_indicator_kind_get_info ((PoIndicatorKind) k);
      sources |= info->sources;
      for (const PoIndicatorExport &rule : info->exports)
        if (rule.keys[0] != nullptr)
          sites.insert (rule.site);
    }
  EXPECT_EQ (sites.size (), (size_t) PO_OSQUERY_SITE_N);
  EXPECT_EQ (sources, PO_FINDING_SOURCES_ALL);
  for (guint s = 0; s < PO_OSQUERY_SITE_N; s++)
    {
      const PoOsquerySiteInfo *site = po_osquery_site_get_info ((PoOsquerySite) s);
      ASSERT_NE (site->table, nullptr) << "site " << s << " has no descriptor";
      EXPECT_NE (site->columns, nullptr) << site->table;
      EXPECT_NE (site->keys[0].alias, nullptr) << site->table;
    }
  for (guint s = 0; s < PO_FINDING_SOURCE_N; s++)
    {
      PoFindingSource back;
      const gchar *name = po_finding_source_to_string ((PoFindingSource) s);
      ASSERT_NE (name, nullptr);
      ASSERT_TRUE (po_finding_source_from_string (name, &back));
      EXPECT_EQ ((guint) back, s);
    }
}

/* docs/policy-format.md has a row "| `key` | doc | case |" for every kind */
TEST (IndicatorKinds, PolicyFormatDocumentsEveryKind)
{
  std::string text = read_file (project_path ("docs/policy-format.md"));

  for (guint k = 0; k < PO_INDICATOR_KIND_N; k++)
    {
      const PoIndicatorKindInfo *info = po_indicator_kind_get_info ((PoIndicatorKind) k);
      std::string row = std::string ("| `") + info->key + "` | " + info->doc + " | "
                        + case_word (info->rule) + " |";
      EXPECT_TRUE (Contains (text, row)) << info->name;
    }
}
