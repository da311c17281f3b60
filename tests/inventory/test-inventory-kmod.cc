/* SPDX-License-Identifier: Apache-2.0 */
#include "inventory-test-util.h"

#include <fcntl.h>
#include <sys/stat.h>

using namespace po_test;

namespace {

/* the kesl-host tree with real module files built, signed and indexed */
class KmodFixture : public ::testing::Test {
 protected:
  static void
  SetUpTestSuite ()
  {
    for (const char *tool : { "gcc", "objcopy", "openssl", "xz", "zstd", "depmod" })
      if (!have_program (tool))
        {
          missing_ = tool;
          return;
        }
    root_ = new FixtureRoot ("kesl-host");
    build_module_fixtures (root_->path (), kFixtureRelease);
  }
  static void
  TearDownTestSuite ()
  {
    delete root_;
    root_ = nullptr;
  }
  void
  SetUp () override
  {
    if (!missing_.empty ())
      GTEST_SKIP () << missing_ << " is needed to build kernel-module fixtures";
  }
  static FixtureRoot *root_;
  static std::string missing_;
};

FixtureRoot *KmodFixture::root_ = nullptr;
std::string KmodFixture::missing_;

}  // namespace

TEST_F (KmodFixture, LoadedModulesWithSignatures)
{
  RuntimePtr runtime = root_->runtime ();
  ArrayPtr warnings = new_warnings ();
  ArrayPtr modules (po_inventory_collect_kernel_modules (inventory_of (runtime), warnings.get ()));

  /* kav4fs_oas, vboxdrv, vboxnetflt, vboxnetadp, e1000e, broken, ghost loaded;
   * ext4, xhci_pci, crc32c_generic built in */
  ASSERT_EQ (modules->len, 10u) << warnings_text (warnings.get ());

  auto *kav = find_named<PoKernelModule> (modules.get (), "kav4fs_oas");
  ASSERT_NE (kav, nullptr);
  EXPECT_TRUE (kav->loaded);
  EXPECT_FALSE (kav->builtin);
  EXPECT_STREQ (kav->path, "/lib/modules/6.1.0-18-amd64/extra/kav4fs_oas.ko");
  EXPECT_EQ (kav->size, 16384u);
  EXPECT_EQ (kav->refcount, 2);
  EXPECT_STREQ (kav->used_by, "");
  EXPECT_STREQ (kav->state, "Live");
  EXPECT_STREQ (kav->taint, "PO");
  EXPECT_STREQ (kav->version, "8.0.4.312");
  EXPECT_STREQ (kav->srcversion, "3A1F6C0E9B2D4F5A6B7C8D9");
  EXPECT_STREQ (kav->author, "Kaspersky Lab");
  EXPECT_STREQ (kav->description, "Kaspersky Anti-Virus on-access scanner");
  EXPECT_STREQ (kav->license, "Proprietary");
  EXPECT_STREQ (kav->vermagic, "6.1.0-18-amd64 SMP preempt mod_unload modversions ");
  EXPECT_FALSE (kav->in_tree);
  EXPECT_TRUE (kav->is_signed);
  EXPECT_STREQ (kav->sig_id, "PKCS#7");
  EXPECT_STREQ (kav->signer, "AO Kaspersky Lab: kernel module signing key");
  EXPECT_STREQ (kav->sig_key, "4B:4C");
  EXPECT_STREQ (kav->sig_hashalgo, "sha256");
  EXPECT_EQ (kav->info_error, nullptr);

  /* xz-compressed, in tree, signed by another key */
  auto *e1000e = find_named<PoKernelModule> (modules.get (), "e1000e");
  ASSERT_NE (e1000e, nullptr);
  EXPECT_STREQ (
    e1000e->path,
    "/lib/modules/6.1.0-18-amd64/kernel/drivers/net/ethernet/intel/e1000e/e1000e.ko.xz");
  EXPECT_TRUE (e1000e->in_tree);
  EXPECT_STREQ (e1000e->signer, "Debian Secure Boot CA");
  EXPECT_STREQ (e1000e->sig_key, "2F:1C");
  EXPECT_STREQ (e1000e->license, "GPL v2");
  EXPECT_STREQ (e1000e->taint, "");

  /* zstd-compressed, unsigned, two authors, used by two modules */
  auto *vbox = find_named<PoKernelModule> (modules.get (), "vboxdrv");
  ASSERT_NE (vbox, nullptr);
  EXPECT_STREQ (vbox->path, "/lib/modules/6.1.0-18-amd64/updates/dkms/vboxdrv.ko.zst");
  EXPECT_FALSE (vbox->is_signed);
  EXPECT_EQ (vbox->signer, nullptr);
  EXPECT_EQ (vbox->sig_key, nullptr);
  EXPECT_STREQ (vbox->author, "Oracle and/or its affiliates, Second Author <second@example.org>");
  EXPECT_STREQ (vbox->used_by, "vboxnetflt,vboxnetadp");
  EXPECT_STREQ (vbox->taint, "OE");
  EXPECT_STREQ (vbox->version, "7.0.14 r161095 (0x00330004)");
}

TEST_F (KmodFixture, UnreadableAndMissingModuleFiles)
{
  RuntimePtr runtime = root_->runtime ();
  ArrayPtr warnings = new_warnings ();
  ArrayPtr modules (po_inventory_collect_kernel_modules (inventory_of (runtime), warnings.get ()));

  /* not an ELF file: the row stays (it is loaded), its file info is marked unknown */
  auto *broken = find_named<PoKernelModule> (modules.get (), "broken");
  ASSERT_NE (broken, nullptr);
  EXPECT_TRUE (broken->loaded);
  EXPECT_STREQ (broken->path, "/lib/modules/6.1.0-18-amd64/extra/broken.ko");
  EXPECT_NE (broken->info_error, nullptr);
  EXPECT_EQ (broken->license, nullptr);
  EXPECT_FALSE (broken->is_signed);
  EXPECT_EQ (count_warnings (warnings.get (), "broken.ko"), 1u) << warnings_text (warnings.get ());

  /* loaded with no file anywhere (insmod from /tmp): what sysfs says */
  auto *ghost = find_named<PoKernelModule> (modules.get (), "ghost");
  ASSERT_NE (ghost, nullptr);
  EXPECT_EQ (ghost->path, nullptr);
  EXPECT_EQ (ghost->info_error, nullptr);
  EXPECT_STREQ (ghost->state, "Loading");
  EXPECT_STREQ (ghost->version, "1.2.3");
  EXPECT_STREQ (ghost->srcversion, "0123456789ABCDEF0123456");

  /* indexed but never built: vboxnetflt has no file in modules.dep */
  auto *netflt = find_named<PoKernelModule> (modules.get (), "vboxnetflt");
  ASSERT_NE (netflt, nullptr);
  EXPECT_EQ (netflt->path, nullptr);

  EXPECT_EQ (count_real_warnings (warnings.get ()), 1u) << warnings_text (warnings.get ());
}

TEST_F (KmodFixture, BuiltinModules)
{
  RuntimePtr runtime = root_->runtime ();
  ArrayPtr modules (po_inventory_collect_kernel_modules (inventory_of (runtime), nullptr));

  auto *ext4 = find_named<PoKernelModule> (modules.get (), "ext4");
  ASSERT_NE (ext4, nullptr);
  EXPECT_TRUE (ext4->builtin);
  EXPECT_FALSE (ext4->loaded);
  EXPECT_STREQ (ext4->state, "builtin");
  EXPECT_EQ (ext4->path, nullptr);
  EXPECT_EQ (ext4->refcount, -1);
  EXPECT_EQ (ext4->used_by, nullptr);
  EXPECT_TRUE (ext4->in_tree);
  EXPECT_STREQ (ext4->license, "GPL");
  EXPECT_STREQ (ext4->description, "Fourth Extended Filesystem");

  /* xhci-pci.ko in modules.builtin is xhci_pci to the kernel */
  auto *xhci = find_named<PoKernelModule> (modules.get (), "xhci_pci");
  ASSERT_NE (xhci, nullptr);
  EXPECT_STREQ (xhci->description, "xHCI PCI Host Controller Driver");
  /* listed without modinfo */
  auto *crc = find_named<PoKernelModule> (modules.get (), "crc32c_generic");
  ASSERT_NE (crc, nullptr);
  EXPECT_EQ (crc->license, nullptr);
  /* core code with parameters is not a module */
  EXPECT_EQ (find_named<PoKernelModule> (modules.get (), "printk"), nullptr);
}

TEST_F (KmodFixture, ModuleInfoIsCachedByPathSizeAndMtime)
{
  /* a runtime of its own: a fresh cache */
  RuntimePtr runtime = root_->runtime ();
  ArrayPtr first (po_inventory_collect_kernel_modules (inventory_of (runtime), nullptr));
  /* kav4fs_oas, e1000e, vboxdrv read; broken.ko fails and is not cached */
  EXPECT_EQ (po_runtime_get_count (runtime.get (), "collector.kmod.read"), 4u);

  ArrayPtr second (po_inventory_collect_kernel_modules (inventory_of (runtime), nullptr));
  EXPECT_EQ (po_runtime_get_count (runtime.get (), "collector.kmod.read"), 5u);
  EXPECT_STREQ (find_named<PoKernelModule> (second.get (), "kav4fs_oas")->signer,
                "AO Kaspersky Lab: kernel module signing key");
  EXPECT_STREQ (find_named<PoKernelModule> (second.get (), "vboxdrv")->author,
                "Oracle and/or its affiliates, Second Author <second@example.org>");

  /* a changed file (a DKMS rebuild) is read again */
  std::string file = root_->file ("usr/lib/modules/6.1.0-18-amd64/extra/kav4fs_oas.ko");
  struct timespec times[2] = { { 0, UTIME_OMIT }, { 1700000000, 0 } };
  ASSERT_EQ (utimensat (AT_FDCWD, file.c_str (), times, 0), 0);
  ArrayPtr third (po_inventory_collect_kernel_modules (inventory_of (runtime), nullptr));
  EXPECT_EQ (po_runtime_get_count (runtime.get (), "collector.kmod.read"), 7u);
  EXPECT_EQ (po_runtime_get_count (runtime.get (), "collector.kmod"), 3u);
}

TEST_F (KmodFixture, IndexAndBuiltinListsAreReadAgainWhenTheyChange)
{
  /* a copy of its own: the indexes are rewritten */
  FixtureRoot root ("kesl-host");
  build_module_fixtures (root.path (), kFixtureRelease);
  RuntimePtr runtime = root.runtime ();
  ArrayPtr first (po_inventory_collect_kernel_modules (inventory_of (runtime), nullptr));
  ArrayPtr second (po_inventory_collect_kernel_modules (inventory_of (runtime), nullptr));
  ASSERT_EQ (first->len, second->len);
  for (guint i = 0; i < first->len; i++)
    {
      auto *a = static_cast<PoKernelModule *> (first->pdata[i]);
      auto *b = static_cast<PoKernelModule *> (second->pdata[i]);
      EXPECT_STREQ (a->name, b->name);
      EXPECT_STREQ (a->path, b->path) << a->name;
      EXPECT_STREQ (a->description, b->description) << a->name;
    }

  /* the module moves and depmod runs: the new modules.dep.bin is used */
  std::string moddir = root.file ("usr/lib/modules/6.1.0-18-amd64");
  ASSERT_EQ (rename ((moddir + "/extra/kav4fs_oas.ko").c_str (),
                     (moddir + "/updates/dkms/kav4fs_oas.ko").c_str ()),
             0);
  std::string depmod = "depmod -b '" + root.path () + "' 6.1.0-18-amd64 2>/dev/null";
  ASSERT_EQ (system (depmod.c_str ()), 0);
  ArrayPtr moved (po_inventory_collect_kernel_modules (inventory_of (runtime), nullptr));
  auto *kav = find_named<PoKernelModule> (moved.get (), "kav4fs_oas");
  ASSERT_NE (kav, nullptr);
  EXPECT_STREQ (kav->path, "/lib/modules/6.1.0-18-amd64/updates/dkms/kav4fs_oas.ko");
  EXPECT_STREQ (kav->signer, "AO Kaspersky Lab: kernel module signing key");

  /* a new kernel build lists another built-in module */
  ASSERT_TRUE (
    g_file_set_contents (root.file ("usr/lib/modules/6.1.0-18-amd64/modules.builtin").c_str (),
                         "kernel/fs/ext4/ext4.ko\nkernel/fs/btrfs/btrfs.ko\n", -1, NULL));
  ArrayPtr rebuilt (po_inventory_collect_kernel_modules (inventory_of (runtime), nullptr));
  auto *btrfs = find_named<PoKernelModule> (rebuilt.get (), "btrfs");
  ASSERT_NE (btrfs, nullptr);
  EXPECT_TRUE (btrfs->builtin);
  EXPECT_EQ (find_named<PoKernelModule> (rebuilt.get (), "xhci_pci"), nullptr);
}

TEST_F (KmodFixture, ModuleFileLinkedOutOfTheRootIsNotRead)
{
  /* a copy whose kav4fs_oas.ko is a link to a real file outside the root */
  FixtureRoot root ("kesl-host");
  build_module_fixtures (root.path (), kFixtureRelease);
  ScratchDir outside;
  outside.write ("secret.ko", "outside the root\n");
  std::string module = root.file ("usr/lib/modules/6.1.0-18-amd64/extra/kav4fs_oas.ko");
  ASSERT_EQ (unlink (module.c_str ()), 0);
  ASSERT_EQ (symlink (outside.file ("secret.ko").c_str (), module.c_str ()), 0);

  RuntimePtr runtime = root.runtime ();
  ArrayPtr warnings = new_warnings ();
  ArrayPtr modules (po_inventory_collect_kernel_modules (inventory_of (runtime), warnings.get ()));
  auto *kav = find_named<PoKernelModule> (modules.get (), "kav4fs_oas");
  ASSERT_NE (kav, nullptr);
  /* resolved beneath the root, the link leads nowhere */
  EXPECT_NE (kav->info_error, nullptr);
  EXPECT_EQ (kav->license, nullptr);
}

TEST_F (KmodFixture, FifoInPlaceOfAModuleDoesNotHang)
{
  FixtureRoot root ("kesl-host");
  build_module_fixtures (root.path (), kFixtureRelease);
  std::string module = root.file ("usr/lib/modules/6.1.0-18-amd64/extra/kav4fs_oas.ko");
  ASSERT_EQ (unlink (module.c_str ()), 0);
  ASSERT_EQ (mkfifo (module.c_str (), 0644), 0);

  RuntimePtr runtime = root.runtime ();
  ArrayPtr modules (po_inventory_collect_kernel_modules (inventory_of (runtime), nullptr));
  auto *kav = find_named<PoKernelModule> (modules.get (), "kav4fs_oas");
  ASSERT_NE (kav, nullptr);
  EXPECT_NE (kav->info_error, nullptr);
}

TEST (InventoryKmod, ProcModulesLines)
{
  const gchar *reason = nullptr;
  g_autoptr (PoKernelModule) nvidia = po_inventory_parse_proc_modules_line (
    "nvidia 56823808 3 nvidia_modeset,nvidia_uvm, Live 0x0000000000000000 (POE)", &reason);
  ASSERT_NE (nvidia, nullptr);
  EXPECT_EQ (nvidia->size, 56823808u);
  EXPECT_EQ (nvidia->refcount, 3);
  EXPECT_STREQ (nvidia->used_by, "nvidia_modeset,nvidia_uvm");
  EXPECT_STREQ (nvidia->taint, "POE");

  /* without CONFIG_MODULE_UNLOAD the kernel prints " - -" */
  g_autoptr (PoKernelModule) nounload = po_inventory_parse_proc_modules_line (
    "dm_mod 184320 - - Live 0xffffffffc0400000", &reason);
  ASSERT_NE (nounload, nullptr);
  EXPECT_EQ (nounload->refcount, -1);
  EXPECT_STREQ (nounload->used_by, "");

  for (const char *bad :
       { "", "onlyname", "x 12 0 - Zombie 0x0", "x big 0 - Live 0x0", "x 12 0 - Live 0x0 (lower)",
         "bad/name 12 0 - Live 0x0", "x 12 0 - Live 0x0 (OE) extra more" })
    {
      g_autoptr (PoKernelModule) m = po_inventory_parse_proc_modules_line (bad, &reason);
      EXPECT_EQ (m, nullptr) << bad;
    }
}

TEST (InventoryKmod, HostileProcModules)
{
  RuntimePtr runtime = make_runtime ({ { "root", fixture_path ("inventory/hostile") } });
  ArrayPtr warnings = new_warnings ();
  ArrayPtr modules (po_inventory_collect_kernel_modules (inventory_of (runtime), warnings.get ()));
  /* "good" only; the garbage and the cut-off last line are skipped */
  ASSERT_EQ (modules->len, 1u) << warnings_text (warnings.get ());
  EXPECT_STREQ (item<PoKernelModule> (modules.get (), 0)->name, "good");
  EXPECT_EQ (count_warnings (warnings.get (), "skipped 5 malformed lines", false), 1u)
    << warnings_text (warnings.get ());
}

TEST (InventoryKmod, NoProcModulesAndNoModulesDir)
{
  ScratchDir root;
  RuntimePtr runtime = make_runtime ({ { "root", root.path () } });
  ArrayPtr warnings = new_warnings ();
  ArrayPtr modules (po_inventory_collect_kernel_modules (inventory_of (runtime), warnings.get ()));
  EXPECT_EQ (modules->len, 0u);
  EXPECT_EQ (count_real_warnings (warnings.get ()), 0u) << warnings_text (warnings.get ());
}

TEST (InventoryKmod, RealHostShape)
{
  RuntimePtr runtime = make_runtime ({});
  ArrayPtr warnings = new_warnings ();
  ArrayPtr modules (po_inventory_collect_kernel_modules (inventory_of (runtime), warnings.get ()));
  if (modules->len == 0)
    GTEST_SKIP () << "no kernel modules visible here (container?): "
                  << warnings_text (warnings.get ());
  for (guint i = 0; i < modules->len; i++)
    {
      auto *m = item<PoKernelModule> (modules.get (), i);
      ASSERT_NE (m->name, nullptr);
      EXPECT_EQ (strchr (m->name, '-'), nullptr) << m->name;
      EXPECT_TRUE (m->loaded != m->builtin) << m->name;
      ASSERT_NE (m->state, nullptr);
      if (m->loaded)
        {
          EXPECT_GT (m->size, 0u) << m->name;
          EXPECT_NE (m->used_by, nullptr);
          EXPECT_NE (m->taint, nullptr);
        }
      if (m->path != nullptr)
        {
          EXPECT_EQ (m->path[0], '/') << m->path;
        }
      if (m->is_signed && m->info_error == nullptr)
        {
          EXPECT_NE (m->sig_hashalgo, nullptr) << m->name;
        }
    }
}

namespace {

constexpr const char *kModules = "usr/lib/modules/6.1.0-18-amd64";

/* a fixture module file's bytes */
/* writes bytes to path through a shell command that compresses stdin to stdout */
void
write_compressed (const std::string &path, const std::string &bytes, const std::string &compressor)
{
  std::string plain = path + ".plain";
  ASSERT_TRUE (
    g_file_set_contents (plain.c_str (), bytes.data (), (gssize) bytes.size (), nullptr));
  run_or_fail ({ "sh", "-c", "{ " + compressor + "; } < \"$1\" > \"$2\"", "sh", plain, path });
  ASSERT_EQ (unlink (plain.c_str ()), 0);
}

/*
 * kav4fs_oas.ko (a real 64-bit little-endian module) with its section-name
 * table index out of range: what libkmod 30 asserts on
 * (elf_get_section_header: idx < elf->header.section.count)
 */
std::string
corrupt_elf (const FixtureRoot &root)
{
  std::string elf = read_file (root.file (std::string (kModules) + "/extra/kav4fs_oas.ko"));
  EXPECT_GT (elf.size (), 64u);
  elf[0x3e] = '\xff';
  elf[0x3f] = '\x7f';
  return elf;
}

}  // namespace

/*
 * libkmod 30 decompresses xz and zstd modules itself and then asserts on a
 * malformed ELF file inside: before phaseout decompressed and checked them
 * first, one corrupt .ko.xz aborted the process (vendor_drivers and
 * banned_software both read modules).
 */
TEST_F (KmodFixture, CorruptCompressedModulesAreSkippedWithAWarning)
{
  FixtureRoot root ("kesl-host");
  build_module_fixtures (root.path (), kFixtureRelease);
  std::string moddir = root.file (kModules);
  std::string bad = corrupt_elf (root);
  /* a valid signed module, zstd-compressed and indexed so by depmod (first:
   * depmod's libkmod aborts on the corrupt ones too) */
  write_compressed (moddir + "/extra/kav4fs_oas.ko.zst",
                    read_file (moddir + "/extra/kav4fs_oas.ko"), "zstd -q -c");
  ASSERT_EQ (unlink ((moddir + "/extra/kav4fs_oas.ko").c_str ()), 0);
  run_or_fail ({ "sh", "-c", "PATH=$PATH:/usr/sbin:/sbin depmod -b \"$1\" \"$2\" 2>/dev/null", "sh",
                 root.path (), kFixtureRelease });
  write_compressed (moddir + "/kernel/drivers/net/ethernet/intel/e1000e/e1000e.ko.xz", bad,
                    "xz --check=crc32 -c");
  write_compressed (moddir + "/updates/dkms/vboxdrv.ko.zst", bad, "zstd -q -c");

  RuntimePtr runtime = root.runtime ();
  for (int round = 0; round < 2; round++)
    {
      ArrayPtr warnings = new_warnings ();
      ArrayPtr modules (
        po_inventory_collect_kernel_modules (inventory_of (runtime), warnings.get ()));
      ASSERT_EQ (modules->len, 10u) << warnings_text (warnings.get ());

      /* the corrupt ones: loaded, so their rows stay, marked; no field from the file */
      for (const char *name : { "e1000e", "vboxdrv" })
        {
          auto *m = find_named<PoKernelModule> (modules.get (), name);
          ASSERT_NE (m, nullptr) << name;
          ASSERT_NE (m->info_error, nullptr) << name;
          EXPECT_NE (strstr (m->info_error, "malformed ELF file"), nullptr) << m->info_error;
          EXPECT_EQ (m->license, nullptr) << name;
          EXPECT_EQ (m->signer, nullptr) << name;
          EXPECT_FALSE (m->is_signed) << name;
        }
      EXPECT_EQ (count_warnings (warnings.get (), "e1000e.ko.xz", false), 1u)
        << warnings_text (warnings.get ());
      EXPECT_EQ (count_warnings (warnings.get (), "vboxdrv.ko.zst", false), 1u)
        << warnings_text (warnings.get ());

      /* the others carry on: a valid compressed module is read whole */
      auto *kav = find_named<PoKernelModule> (modules.get (), "kav4fs_oas");
      ASSERT_NE (kav, nullptr);
      EXPECT_STREQ (kav->path, "/lib/modules/6.1.0-18-amd64/extra/kav4fs_oas.ko.zst");
      EXPECT_EQ (kav->info_error, nullptr) << kav->info_error;
      EXPECT_TRUE (kav->is_signed);
      EXPECT_STREQ (kav->signer, "AO Kaspersky Lab: kernel module signing key");
      EXPECT_STREQ (kav->sig_key, "4B:4C");
      EXPECT_STREQ (kav->sig_hashalgo, "sha256");
      EXPECT_STREQ (kav->version, "8.0.4.312");
      EXPECT_STREQ (kav->license, "Proprietary");
    }
  /* the valid module was decompressed once and then came from the cache;
   * the failures (and broken.ko) are read again each time */
  EXPECT_EQ (po_runtime_get_count (runtime.get (), "collector.kmod.read"), 4u + 3u);
}

/*
 * what is not ELF once decompressed never reaches libkmod: it would
 * decompress a second layer itself, unchecked (libkmod 30 happens to take
 * only one layer; this guards the rule, not a crash)
 */
TEST_F (KmodFixture, CompressedTwiceIsNotHandedToLibkmod)
{
  FixtureRoot root ("kesl-host");
  build_module_fixtures (root.path (), kFixtureRelease);
  std::string moddir = root.file (kModules);
  write_compressed (moddir + "/updates/dkms/vboxdrv.ko.zst", corrupt_elf (root),
                    "xz --check=crc32 -c | zstd -q -c");

  RuntimePtr runtime = root.runtime ();
  ArrayPtr warnings = new_warnings ();
  ArrayPtr modules (po_inventory_collect_kernel_modules (inventory_of (runtime), warnings.get ()));
  auto *vbox = find_named<PoKernelModule> (modules.get (), "vboxdrv");
  ASSERT_NE (vbox, nullptr);
  ASSERT_NE (vbox->info_error, nullptr);
  EXPECT_NE (strstr (vbox->info_error, "not an ELF file once decompressed"), nullptr)
    << vbox->info_error;
  EXPECT_EQ (count_warnings (warnings.get (), "vboxdrv.ko.zst", false), 1u)
    << warnings_text (warnings.get ());
}

/*
 * a small file that decompresses to more than any module (a valid module
 * followed by 129 MiB of zeros): refused as the output passes 128 MiB,
 * where libkmod would have decompressed it all into memory and read it
 */
TEST_F (KmodFixture, DecompressionBombIsRefused)
{
  FixtureRoot root ("kesl-host");
  build_module_fixtures (root.path (), kFixtureRelease);
  std::string moddir = root.file (kModules);
  std::string module = moddir + "/extra/kav4fs_oas.ko";
  std::string xz_bomb = moddir + "/kernel/drivers/net/ethernet/intel/e1000e/e1000e.ko.xz";
  std::string zstd_bomb = moddir + "/updates/dkms/vboxdrv.ko.zst";
  run_or_fail ({ "sh", "-c",
                 "{ cat \"$1\"; head -c 135266304 /dev/zero; } | zstd -q -c > \"$2\" && "
                 "{ cat \"$1\"; head -c 135266304 /dev/zero; } | xz -0 -T1 -c > \"$3\"",
                 "sh", module, zstd_bomb, xz_bomb });
  struct stat st;
  ASSERT_EQ (stat (zstd_bomb.c_str (), &st), 0);
  EXPECT_LT (st.st_size, 1024 * 1024);
  ASSERT_EQ (stat (xz_bomb.c_str (), &st), 0);
  EXPECT_LT (st.st_size, 1024 * 1024);

  RuntimePtr runtime = root.runtime ();
  ArrayPtr warnings = new_warnings ();
  ArrayPtr modules (po_inventory_collect_kernel_modules (inventory_of (runtime), warnings.get ()));
  for (const char *name : { "e1000e", "vboxdrv" })
    {
      auto *m = find_named<PoKernelModule> (modules.get (), name);
      ASSERT_NE (m, nullptr) << name;
      ASSERT_NE (m->info_error, nullptr) << name;
      EXPECT_NE (strstr (m->info_error, "decompression bomb"), nullptr) << m->info_error;
      EXPECT_EQ (m->version, nullptr) << name;
    }
  EXPECT_EQ (count_warnings (warnings.get (), "decompression bomb", false), 2u)
    << warnings_text (warnings.get ());
  /* the uncompressed original beside them is unaffected */
  EXPECT_STREQ (find_named<PoKernelModule> (modules.get (), "kav4fs_oas")->signer,
                "AO Kaspersky Lab: kernel module signing key");
}
