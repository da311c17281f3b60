/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The matcher's index (po-matcher.c): globs grouped by literal prefix, by
 * literal suffix, and by a literal run inside "*...*", exact names hashed,
 * names already in normal form compared without a copy.  Whatever the
 * grouping, a name must meet exactly the indicators that match it one by
 * one (po_indicator_matches()).
 */
#include "catalogue-test-util.h"

#include <algorithm>
#include <set>

using namespace po_test;

namespace {

using Strings = std::vector<std::string>;

std::string
json_list (const Strings &items)
{
  std::string out = "[";
  for (size_t i = 0; i < items.size (); i++)
    {
      out += i > 0 ? ", \"" : "\"";
      for (char ch : items[i])
        {
          if (ch == '"' || ch == '\\')
            out += '\\';
          out += ch;
        }
      out += '"';
    }
  return out + "]";
}

/* one vendor "v", one product "p", the given linux indicators (key -> patterns) */
CataloguePtr
catalogue_with (const std::map<std::string, Strings> &linux_indicators)
{
  TempDir dir;
  std::string members;
  for (const auto &entry : linux_indicators)
    members += (members.empty () ? "\"" : ", \"") + entry.first + "\": " + json_list (entry.second);
  dir.write ("v.json", "{\"format\": 1, \"vendors\": [{\"id\": \"v\", \"name\": \"V\", "
                       "\"products\": [{\"id\": \"p\", \"name\": \"P\", \"category\": "
                       "\"antivirus\", \"indicators\": {\"linux\": {"
                         + members + "}}}]}]}");
  OptionsPtr options = options_for_dirs ({ dir.path () }, false);
  CataloguePtr catalogue (po_catalogue_load (options.get (), NULL));
  EXPECT_EQ (problems_text (catalogue.get ()), "");
  return catalogue;
}

std::set<std::string>
matched (PoCatalogue *catalogue, PoIndicatorKind kind, const std::string &value)
{
  GPtrArray *matches = NULL;
  std::set<std::string> out;

  if (!po_catalogue_match (catalogue, kind, value.c_str (), &matches))
    return out;
  for (guint i = 0; i < matches->len; i++)
    out.insert (po_indicator_get_pattern ((PoIndicator *) g_ptr_array_index (matches, i)));
  g_ptr_array_unref (matches);
  return out;
}

/* the indicators of kind that match value, tried one by one: what the index must give */
std::set<std::string>
matched_one_by_one (PoCatalogue *catalogue, PoIndicatorKind kind, const std::string &value)
{
  GPtrArray *all = po_catalogue_get_indicators (catalogue, kind);
  std::set<std::string> out;

  for (guint i = 0; i < all->len; i++)
    {
      auto *indicator = (const PoIndicator *) g_ptr_array_index (all, i);
      if (po_indicator_matches (indicator, value.c_str ()))
        out.insert (po_indicator_get_pattern (indicator));
    }
  return out;
}

}  // namespace

TEST (CatalogueMatcherIndex, GlobsStartingWithAWildcardAreFoundByTheirSuffix)
{
  CataloguePtr c = catalogue_with (
    { { "process", { "*-agent", "*kesl", "?avp", "*a?b", "*.svc" } } });
  auto kind = PO_INDICATOR_LINUX_PROCESS;

  EXPECT_EQ (matched (c.get (), kind, "kaspersky-agent"), std::set<std::string> ({ "*-agent" }));
  EXPECT_EQ (matched (c.get (), kind, "-agent"), std::set<std::string> ({ "*-agent" }));
  EXPECT_EQ (matched (c.get (), kind, "kesl"), std::set<std::string> ({ "*kesl" }));
  EXPECT_EQ (matched (c.get (), kind, "old-kesl"), std::set<std::string> ({ "*kesl" }));
  EXPECT_EQ (matched (c.get (), kind, "xavp"), std::set<std::string> ({ "?avp" }));
  EXPECT_EQ (matched (c.get (), kind, "a1b"), std::set<std::string> ({ "*a?b" }));
  EXPECT_EQ (matched (c.get (), kind, "zzza1b"), std::set<std::string> ({ "*a?b" }));
  /* the suffix must end the name */
  EXPECT_TRUE (matched (c.get (), kind, "kesl-gui").empty ());
  EXPECT_TRUE (matched (c.get (), kind, "kaspersky-agents").empty ());
  EXPECT_TRUE (matched (c.get (), kind, "avp").empty ());
  EXPECT_TRUE (matched (c.get (), kind, "xxavp").empty ());
  EXPECT_TRUE (matched (c.get (), kind, "ab").empty ());
  EXPECT_TRUE (matched (c.get (), kind, "svc").empty ());
}

TEST (CatalogueMatcherIndex, GlobsWithWildcardsAtBothEndsAreFoundByALiteralRun)
{
  CataloguePtr c = catalogue_with (
    { { "kernel_module_signer", { "*Kaspersky Lab*", "*qz*", "*x*y*", "*?Dr.Web?*" } } });
  auto kind = PO_INDICATOR_KERNEL_MODULE_SIGNER;

  /* free text: case and white space do not count */
  EXPECT_EQ (matched (c.get (), kind, "AO  KASPERSKY\tLAB: module signing key"),
             std::set<std::string> ({ "*Kaspersky Lab*" }));
  EXPECT_EQ (matched (c.get (), kind, "kaspersky lab"),
             std::set<std::string> ({ "*Kaspersky Lab*" }));
  /* a literal run of under three bytes: tried against every name */
  EXPECT_EQ (matched (c.get (), kind, "cqz"), std::set<std::string> ({ "*qz*" }));
  EXPECT_EQ (matched (c.get (), kind, "1x2y3"), std::set<std::string> ({ "*x*y*" }));
  EXPECT_EQ (matched (c.get (), kind, "the Dr.Web key"), std::set<std::string> ({ "*?Dr.Web?*" }));
  /* the run itself must be there, whole */
  EXPECT_TRUE (matched (c.get (), kind, "Kaspersky Labs").size () == 1);
  EXPECT_TRUE (matched (c.get (), kind, "Kaspersky La").empty ());
  EXPECT_TRUE (matched (c.get (), kind, "Dr.Web").empty ());
  EXPECT_TRUE (matched (c.get (), kind, "yx").empty ());
}

/*
 * Every shape of glob at once, against names that hit and miss each part
 * of each pattern (prefixes, suffixes, inner runs, '?' on multi-byte
 * characters, names not in normal form): the index gives exactly what
 * trying every indicator gives.
 */
TEST (CatalogueMatcherIndex, TheIndexFindsWhatTryingEveryIndicatorFinds)
{
  const Strings stems = { "kesl", "acme", "kav", "wd", "ab", "Über", "x" };
  Strings free_text, unit, module;
  for (const auto &s : stems)
    for (const auto &shape : { "%s", "%s*", "*%s", "*%s*", "%s?", "?%s", "%s*%s", "*%s?%s*", "?%s*",
                               "*%s-x", "%s-*-%s", "*%s*%s*" })
      {
        g_autofree gchar *pattern = g_strdup_printf (shape, s.c_str (), s.c_str ());
        free_text.push_back (pattern);
        if (s != "Über")
          {
            unit.push_back (std::string (pattern) + ".service");
            module.push_back (pattern);
          }
      }
  /* patterns may repeat across shapes ("x*x"): keep each once */
  for (auto *list : { &free_text, &unit, &module })
    {
      std::sort (list->begin (), list->end ());
      list->erase (std::unique (list->begin (), list->end ()), list->end ());
    }
  CataloguePtr c = catalogue_with ({ { "kernel_module_author", free_text },
                                     { "systemd_unit", unit },
                                     { "kernel_module", module } });

  Strings names = { "",           "k",      "kesl",        "KESL",     "kesl2",       "2kesl",
                    "akesla",     "kesl-x", "kesl-a-kesl", "keslkesl", "kesl kesl",   " kesl ",
                    "kesl\tkesl", "acme",   "acme-x",      "acme_x",   "acme-x-acme", "ab",
                    "aab",        "abb",    "abab",        "a b",      "x",           "xx",
                    "x-x",        "xyx",    "über",        "ÜBER",     "überx",       "xüber",
                    "kavx",       "xkav",   "wdwd",        "wd?wd",    "kav\xffkav",  "k\xc3\xa9sl",
                    "abc-x",      "wd-x",   "a?b",         "*",        "kesl*" };
  std::vector<std::pair<PoIndicatorKind, std::string>> probes;
  for (const auto &n : names)
    {
      probes.emplace_back (PO_INDICATOR_KERNEL_MODULE_AUTHOR, n);
      probes.emplace_back (PO_INDICATOR_KERNEL_MODULE, n);
      probes.emplace_back (PO_INDICATOR_SYSTEMD_UNIT, n + ".service");
    }
  guint hits = 0;
  for (const auto &probe : probes)
    {
      auto expected = matched_one_by_one (c.get (), probe.first, probe.second);
      EXPECT_EQ (matched (c.get (), probe.first, probe.second), expected)
        << po_indicator_kind_to_string (probe.first) << " \"" << probe.second << "\"";
      hits += expected.size ();
    }
  /* the names do hit: the comparison is not between two empty sets */
  EXPECT_GT (hits, 200u);
}

/* po_text_is_normal() is only TRUE where normalising would change nothing */
TEST (CatalogueMatcherIndex, NormalFormIsOnlyClaimedWhereItHolds)
{
  const Strings texts = { "",
                          "kesl",
                          "Kesl",
                          "kesl-agent",
                          "kesl_agent",
                          "a b",
                          "a  b",
                          " a",
                          "a ",
                          "a\tb",
                          "a\vb",
                          "a\xc2\xa0"
                          "b",
                          "über",
                          "Über",
                          "a/b",
                          "a\\b",
                          "\xff",
                          "kaspersky lab, inc.",
                          "KASPERSKY",
                          "x\ny" };
  const PoTextRule rules[] = { PO_TEXT_EXACT, PO_TEXT_FOLD, PO_TEXT_FREE, PO_TEXT_KMOD,
                               PO_TEXT_WINPATH };
  for (auto rule : rules)
    for (const auto &text : texts)
      if (po_text_is_normal (text.c_str (), rule))
        {
          g_autofree gchar *normal = po_text_normalise (text.c_str (), rule, PO_TEXT_UNICODE);
          EXPECT_STREQ (normal, text.c_str ()) << "rule " << rule;
        }
  /* and the common case is recognised: the point is to skip the copy */
  EXPECT_TRUE (po_text_is_normal ("kesl-agent", PO_TEXT_EXACT));
  EXPECT_TRUE (po_text_is_normal ("kesl_agent", PO_TEXT_KMOD));
  EXPECT_FALSE (po_text_is_normal ("kesl-agent", PO_TEXT_KMOD));
  EXPECT_TRUE (po_text_is_normal ("kaspersky lab, inc.", PO_TEXT_FREE));
  EXPECT_FALSE (po_text_is_normal ("Kaspersky Lab", PO_TEXT_FREE));
  EXPECT_FALSE (po_text_is_normal ("\xff", PO_TEXT_EXACT));
}

/* the indicators of a kind and the sources an owner needs, known without a walk */
TEST (CatalogueMatcherIndex, IndicatorsOfAKindAndSourcesOfAnOwner)
{
  CataloguePtr c = catalogue_with ({ { "deb_package", { "kesl", "kesl-*" } },
                                     { "path", { "/opt/kaspersky/kesl", "/opt/kaspersky/*" } },
                                     { "kernel_module", { "kav4fs_oas" } } });
  GPtrArray *paths = po_catalogue_get_indicators (c.get (), PO_INDICATOR_LINUX_PATH);
  ASSERT_EQ (paths->len, 2u);
  EXPECT_STREQ (po_indicator_get_pattern ((PoIndicator *) paths->pdata[0]), "/opt/kaspersky/kesl");
  EXPECT_STREQ (po_indicator_get_pattern ((PoIndicator *) paths->pdata[1]), "/opt/kaspersky/*");
  EXPECT_EQ (po_catalogue_get_indicators (c.get (), PO_INDICATOR_RPM_PACKAGE)->len, 0u);

  PoVendor *vendor = po_catalogue_lookup_vendor (c.get (), "v");
  ASSERT_NE (vendor, nullptr);
  auto *product = (PoProduct *) po_vendor_get_products (vendor)->pdata[0];
  guint sources = po_catalogue_get_owner_sources (c.get (), vendor, product);
  EXPECT_EQ (sources, PO_FINDING_SOURCE_BIT (PO_FINDING_SOURCE_DEB)
                        | PO_FINDING_SOURCE_BIT (PO_FINDING_SOURCE_PATH)
                        | PO_FINDING_SOURCE_BIT (PO_FINDING_SOURCE_PROCESS)
                        | PO_FINDING_SOURCE_BIT (PO_FINDING_SOURCE_KERNEL_MODULE));
  /* no vendor-wide indicators */
  EXPECT_EQ (po_catalogue_get_owner_sources (c.get (), vendor, nullptr), 0u);
}
