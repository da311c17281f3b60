/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vendor_drivers: attribution rules on hand-made module records, and the
 * table over real module files built at test time.
 */
#include "compliance-test-util.h"

using namespace po_test;

namespace {

struct Attribution {
  std::string kind, vendor, vendor_id, product, indicator;
};

Attribution
attribute (PoCatalogue *catalogue, const PoKernelModule &module)
{
  PoAttribution a = {};
  PoComplianceIndex *index = po_compliance_index_new (catalogue, nullptr);
  po_compliance_attribute_module (index, &module, &a);
  po_compliance_index_unref (index);
  auto str = [] (const gchar *s) {
    return s != nullptr ? std::string (s) : std::string ("<NULL>");
  };
  Attribution out = { str (po_attribution_kind_to_string (a.kind)), str (a.vendor_name),
                      a.vendor != nullptr ? po_vendor_get_id (a.vendor) : "<NULL>",
                      a.product != nullptr ? po_product_get_id (a.product) : "<NULL>",
                      str (a.indicator) };
  po_attribution_clear (&a);
  return out;
}

PoKernelModule
module (const char *name)
{
  PoKernelModule m = {};
  m.name = const_cast<gchar *> (name);
  m.loaded = TRUE;
  return m;
}

bool
have_module_tools ()
{
  for (const char *tool : { "gcc", "objcopy", "openssl", "xz", "zstd" })
    {
      g_autofree gchar *found = g_find_program_in_path (tool);
      if (found == nullptr)
        return false;
    }
  return g_file_test ("/usr/sbin/depmod", G_FILE_TEST_IS_EXECUTABLE)
         || g_file_test ("/sbin/depmod", G_FILE_TEST_IS_EXECUTABLE);
}

}  // namespace

TEST (VendorDriversAttribution, Rules)
{
  CataloguePtr catalogue (po_catalogue_new_builtin ());

  /* a catalogue indicator on the name; '-' and '_' alike, as kmod has it */
  auto m = module ("kav4fs-oas");
  auto a = attribute (catalogue.get (), m);
  EXPECT_EQ (a.kind, "catalogue");
  EXPECT_EQ (a.vendor, "Kaspersky");
  EXPECT_EQ (a.vendor_id, "kaspersky");
  EXPECT_EQ (a.product, "kav4fs");
  EXPECT_EQ (a.indicator, "linux.kernel_module:kav4fs_oas*");

  /* a signer that is one of the vendor's names, however spelled */
  m = module ("klfoo");
  m.signer = const_cast<gchar *> ("AO  KASPERSKY lab ");
  a = attribute (catalogue.get (), m);
  EXPECT_EQ (a.kind, "signer");
  EXPECT_EQ (a.vendor_id, "kaspersky");
  EXPECT_EQ (a.product, "<NULL>");
  EXPECT_EQ (a.indicator, "vendor-name:AO Kaspersky Lab");

  /* an author with an e-mail address, among others */
  m = module ("klbar");
  m.author = const_cast<gchar *> ("Someone Else, Kaspersky Lab <support@kaspersky.com>");
  a = attribute (catalogue.get (), m);
  EXPECT_EQ (a.kind, "author");
  EXPECT_EQ (a.vendor_id, "kaspersky");
  EXPECT_EQ (a.indicator, "vendor-name:Kaspersky Lab");

  /* an alias with a comma in it is matched whole */
  m = module ("klbaz");
  m.author = const_cast<gchar *> ("Kaspersky Lab, Inc.");
  EXPECT_EQ (attribute (catalogue.get (), m).indicator, "vendor-name:Kaspersky Lab, Inc.");

  /* in tree: the kernel's, whoever signed it */
  m = module ("e1000e");
  m.in_tree = TRUE;
  m.signer = const_cast<gchar *> ("Debian Secure Boot CA");
  a = attribute (catalogue.get (), m);
  EXPECT_EQ (a.kind, "in_tree");
  EXPECT_EQ (a.vendor, "Linux kernel");
  EXPECT_EQ (a.vendor_id, "<NULL>");

  /* out of tree: the author before a machine's DKMS key */
  m = module ("vboxdrv");
  m.author = const_cast<gchar *> ("Oracle Corporation <info@virtualbox.org>");
  m.signer = const_cast<gchar *> ("DKMS module signing key");
  a = attribute (catalogue.get (), m);
  EXPECT_EQ (a.kind, "author");
  EXPECT_EQ (a.vendor, "Oracle Corporation");
  EXPECT_EQ (a.vendor_id, "<NULL>");

  m = module ("nvidia");
  m.signer = const_cast<gchar *> ("NVIDIA Corporation");
  a = attribute (catalogue.get (), m);
  EXPECT_EQ (a.kind, "signer");
  EXPECT_EQ (a.vendor, "NVIDIA Corporation");

  m = module ("mystery");
  a = attribute (catalogue.get (), m);
  EXPECT_EQ (a.kind, "<NULL>");
  EXPECT_EQ (a.vendor, "<NULL>");
}

/*
 * A signer spelled with other white space (a no-break space, a figure
 * space, an ideographic space, a vertical tab) is the same name to the
 * indicator matcher and to the vendor-name index: both normalise free
 * text with po_text_normalise().  They used to disagree: the matcher took
 * Unicode white space and the index ASCII's.
 */
TEST (VendorDriversAttribution, MatcherAndVendorNamesAgreeOnWhiteSpace)
{
  CataloguePtr catalogue (po_catalogue_new_builtin ());

  for (const char *signer : { "AO\xc2\xa0Kaspersky Lab", "AO Kaspersky\xe2\x80\x87Lab",
                              "AO\xe3\x80\x80Kaspersky\tLab", "AO Kaspersky\vLab" })
    {
      /* windows.signer "AO Kaspersky Lab" is free text, as module signers are */
      EXPECT_TRUE (po_catalogue_match (catalogue.get (), PO_INDICATOR_WINDOWS_SIGNER, signer, NULL))
        << signer;
      auto m = module ("klfoo");
      m.signer = const_cast<gchar *> (signer);
      auto a = attribute (catalogue.get (), m);
      EXPECT_EQ (a.kind, "signer") << signer;
      EXPECT_EQ (a.vendor_id, "kaspersky") << signer;
      EXPECT_EQ (a.indicator, "vendor-name:AO Kaspersky Lab") << signer;
    }
}

/* without module files: names from /proc/modules and modules.builtin */
TEST (VendorDrivers, LoadedAndBuiltinModules)
{
  World world ("kes-host", kUsFederal);
  world.write ("proc/modules", "e1000e 335872 0 - Live 0x0000000000000000\n"
                               "kav4fs_oas 16384 2 - Live 0x0000000000000000 (PO)\n");
  auto runtime = world.runtime ("2019-01-01");
  auto rows = query (runtime.get (), "SELECT * FROM vendor_drivers");
  EXPECT_EQ (values (rows, "name"), (std::vector<std::string>{ "e1000e", "ext4", "kav4fs_oas" }));

  auto kav = where (rows, "name", "kav4fs_oas")[0];
  EXPECT_EQ (kav.at ("loaded"), "1");
  EXPECT_EQ (kav.at ("taint"), "PO");
  EXPECT_EQ (kav.at ("refcount"), "2");
  EXPECT_EQ (kav.at ("vendor"), "Kaspersky");
  EXPECT_EQ (kav.at ("vendor_id"), "kaspersky");
  EXPECT_EQ (kav.at ("attribution"), "catalogue");
  EXPECT_EQ (kav.at ("product"), "kav4fs");
  EXPECT_EQ (kav.at ("category"), "antivirus");
  EXPECT_EQ (kav.at ("covered"), "1");
  /* the 2024 Commerce determination is not issued in 2019 */
  EXPECT_EQ (kav.at ("policy_ids"), "us-dhs-bod-17-01,us-ndaa18-1634");
  EXPECT_EQ (kav.at ("signed"), "<NULL>");

  auto ext4 = where (rows, "name", "ext4")[0];
  EXPECT_EQ (ext4.at ("builtin"), "1");
  EXPECT_EQ (ext4.at ("loaded"), "0");
  EXPECT_EQ (ext4.at ("attribution"), "in_tree");
  EXPECT_EQ (ext4.at ("vendor"), "Linux kernel");
  EXPECT_EQ (ext4.at ("covered"), "0");
  EXPECT_EQ (ext4.at ("policy_ids"), "");
  EXPECT_EQ (ext4.at ("refcount"), "<NULL>");

  /* the covering policies follow the profile: NL's letter covers anti-virus */
  world.set_profile (kNlCentral);
  auto nl = world.runtime ("2019-01-01");
  EXPECT_EQ (where (query (nl.get (), "SELECT * FROM vendor_drivers WHERE name = 'kav4fs_oas'"),
                    "name", "kav4fs_oas")[0]
               .at ("policy_ids"),
             "nl-kamerbrief-2018");
  EXPECT_EQ (query (nl.get (), "SELECT * FROM vendor_drivers WHERE name = 'kav4fs_oas'").size (),
             1u);
}

/* real module files (built and signed at test time): signer, key and vendor in one place */
TEST (VendorDrivers, SignedModuleFiles)
{
  if (!have_module_tools ())
    GTEST_SKIP () << "needs gcc, objcopy, openssl, xz, zstd and depmod";
  World world ("kes-host", kUsFederal);
  /* the inventory tests' module builder (tests/inventory/build-module-fixtures.sh) */
  std::string script = std::string (PO_TEST_SOURCE_DIR) + "/inventory/build-module-fixtures.sh";
  /* depmod lives in /usr/sbin, which a test environment's PATH may lack */
  const gchar *old_path = g_getenv ("PATH");
  std::string path = "PATH=" + std::string (old_path != nullptr ? old_path : "/usr/bin:/bin")
                     + ":/usr/sbin:/sbin";
  const gchar *argv[] = { "env",           path.c_str (),          "sh",
                          script.c_str (), world.root ().c_str (), "6.1.0-18-amd64",
                          nullptr };
  gint status = 0;
  GError *error = nullptr;
  ASSERT_TRUE (g_spawn_sync (nullptr, (gchar **) argv, nullptr, G_SPAWN_SEARCH_PATH, nullptr,
                             nullptr, nullptr, nullptr, &status, &error))
    << error->message;
  ASSERT_TRUE (g_spawn_check_wait_status (status, nullptr));
  world.write ("proc/modules", "e1000e 335872 0 - Live 0x0000000000000000\n"
                               "kav4fs_oas 16384 2 - Live 0x0000000000000000 (POE)\n"
                               "vboxdrv 696320 0 - Live 0x0000000000000000 (OE)\n");

  auto runtime = world.runtime ("2019-01-01");
  auto rows = query (runtime.get (), "SELECT * FROM vendor_drivers");

  auto kav = where (rows, "name", "kav4fs_oas")[0];
  EXPECT_EQ (kav.at ("path"), "/lib/modules/6.1.0-18-amd64/extra/kav4fs_oas.ko");
  EXPECT_EQ (kav.at ("signed"), "1");
  EXPECT_EQ (kav.at ("signer"), "AO Kaspersky Lab: kernel module signing key");
  EXPECT_EQ (kav.at ("author"), "Kaspersky Lab");
  EXPECT_EQ (kav.at ("attribution"), "catalogue");
  EXPECT_EQ (kav.at ("vendor_id"), "kaspersky");
  EXPECT_NE (kav.at ("sig_key"), "<NULL>");

  auto e1000e = where (rows, "name", "e1000e")[0];
  EXPECT_EQ (e1000e.at ("attribution"), "in_tree");
  EXPECT_EQ (e1000e.at ("signer"), "Debian Secure Boot CA");

  auto vbox = where (rows, "name", "vboxdrv")[0];
  EXPECT_EQ (vbox.at ("attribution"), "author");
  EXPECT_EQ (vbox.at ("vendor"), "Oracle and/or its affiliates, Second Author");
  EXPECT_EQ (vbox.at ("signed"), "0");
  EXPECT_EQ (vbox.at ("covered"), "0");

  /* and banned_software has the module with its version */
  auto found = where (query (runtime.get (), "SELECT * FROM banned_software WHERE source = "
                                             "'kernel_module' AND policy_id = 'us-dhs-bod-17-01'"),
                      "name", "kav4fs_oas");
  ASSERT_EQ (found.size (), 1u);
  EXPECT_EQ (found[0].at ("version"), "8.0.4.312");
  EXPECT_EQ (found[0].at ("path"), "/lib/modules/6.1.0-18-amd64/extra/kav4fs_oas.ko");
}
