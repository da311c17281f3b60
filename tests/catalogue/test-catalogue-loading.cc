/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Loading: override order, origin and hash, whole-file rejection, the
 * last good version of a file that turns bad, change detection, and the
 * root-only permission rules (simulated with another trusted uid, since
 * the tests may well run as root).
 */
#include "catalogue-test-util.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace po_test;

namespace {

CataloguePtr
load (const std::vector<std::string> &dirs, PoCatalogue *previous = NULL, bool builtin = true)
{
  OptionsPtr options = options_for_dirs (dirs, builtin);
  return CataloguePtr (po_catalogue_load (options.get (), previous));
}

std::string
title_of (PoCatalogue *catalogue, const char *id)
{
  PoPolicy *policy = po_catalogue_lookup_policy (catalogue, id);
  return policy != NULL ? po_policy_get_title (policy) : "<none>";
}

std::string
sha256_of_file (const std::string &path)
{
  std::string contents = read_file (path);
  g_autofree gchar *sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                                       (const guchar *) contents.data (),
                                                       contents.size ());
  return sha;
}

/* a file's mtime moved on, so a change within one clock tick is seen too */
void
touch_later (const std::string &path)
{
  struct stat st;
  ASSERT_EQ (g_stat (path.c_str (), &st), 0);
  struct timespec times[2] = { st.st_atim, st.st_mtim };
  times[1].tv_sec += 10;
  ASSERT_EQ (utimensat (AT_FDCWD, path.c_str (), times, 0), 0);
}

}  // namespace

TEST (CatalogueLoading, FileAddsPolicyWithOriginAndHash)
{
  TempDir dir;
  dir.write ("10-acme.json", policy_file ({ policy_json ("acme-1") }));
  CataloguePtr catalogue = load ({ dir.path () });

  EXPECT_EQ (problems_text (catalogue.get ()), "");
  PoPolicy *policy = po_catalogue_lookup_policy (catalogue.get (), "acme-1");
  ASSERT_TRUE (policy != NULL);
  EXPECT_EQ (po_policy_get_origin (policy), dir.file ("10-acme.json"));
  EXPECT_EQ (po_policy_get_sha256 (policy), sha256_of_file (dir.file ("10-acme.json")));
  /* the built-in ones are still there */
  EXPECT_TRUE (po_catalogue_lookup_policy (catalogue.get (), "us-dhs-bod-17-01") != NULL);
}

TEST (CatalogueLoading, FileOverridesBuiltin)
{
  TempDir dir;
  dir.write ("nl.json", policy_file ({ policy_json ("nl-kamerbrief-2018",
                                                    { { "title", "\"Local version\"" } }) }));
  CataloguePtr catalogue = load ({ dir.path () });

  EXPECT_EQ (title_of (catalogue.get (), "nl-kamerbrief-2018"), "Local version");
  EXPECT_EQ (po_policy_get_origin (
               po_catalogue_lookup_policy (catalogue.get (), "nl-kamerbrief-2018")),
             dir.file ("nl.json"));
  EXPECT_EQ (problems_text (catalogue.get ()), "");
}

TEST (CatalogueLoading, LaterFileInADirectoryWins)
{
  TempDir dir;
  dir.write ("90-local.json",
             policy_file ({ policy_json ("acme", { { "title", "\"ninety\"" } }) }));
  dir.write ("10-base.json", policy_file ({ policy_json ("acme", { { "title", "\"ten\"" } }) }));
  CataloguePtr catalogue = load ({ dir.path () });

  EXPECT_EQ (title_of (catalogue.get (), "acme"), "ninety");
}

TEST (CatalogueLoading, LaterDirectoryWins)
{
  TempDir first, second;
  first.write ("zz.json", policy_file ({ policy_json ("acme", { { "title", "\"first\"" } }) }));
  second.write ("aa.json", policy_file ({ policy_json ("acme", { { "title", "\"second\"" } }) }));

  EXPECT_EQ (title_of (load ({ first.path (), second.path () }).get (), "acme"), "second");
  EXPECT_EQ (title_of (load ({ second.path (), first.path () }).get (), "acme"), "first");
}

TEST (CatalogueLoading, OnlyJsonFilesAndNoHiddenOnes)
{
  TempDir dir;
  dir.write ("a.json.bak", policy_file ({ policy_json ("from-bak") }));
  dir.write (".hidden.json", policy_file ({ policy_json ("from-hidden") }));
  dir.write ("a.json~", policy_file ({ policy_json ("from-tilde") }));
  dir.write ("a.json", policy_file ({ policy_json ("from-json") }));
  CataloguePtr catalogue = load ({ dir.path () });

  EXPECT_TRUE (po_catalogue_lookup_policy (catalogue.get (), "from-json") != NULL);
  EXPECT_TRUE (po_catalogue_lookup_policy (catalogue.get (), "from-bak") == NULL);
  EXPECT_TRUE (po_catalogue_lookup_policy (catalogue.get (), "from-hidden") == NULL);
  EXPECT_TRUE (po_catalogue_lookup_policy (catalogue.get (), "from-tilde") == NULL);
}

TEST (CatalogueLoading, BadFileIsRejectedWholeAndTheRestWorks)
{
  TempDir dir;
  dir.write ("good.json", policy_file ({ policy_json ("good-1") }));
  /* one good and one bad policy in the same file: neither is used */
  dir.write ("bad.json",
             policy_file ({ policy_json ("half-good"),
                            policy_json ("bad-1", { { "issued", "\"2020-02-30\"" } }) }));
  CataloguePtr catalogue = load ({ dir.path () });

  EXPECT_TRUE (po_catalogue_lookup_policy (catalogue.get (), "good-1") != NULL);
  EXPECT_TRUE (po_catalogue_lookup_policy (catalogue.get (), "half-good") == NULL);
  EXPECT_TRUE (po_catalogue_lookup_policy (catalogue.get (), "bad-1") == NULL);
  EXPECT_TRUE (po_catalogue_lookup_policy (catalogue.get (), "us-dhs-bod-17-01") != NULL);
  GPtrArray *problems = po_catalogue_get_problems (catalogue.get ());
  ASSERT_EQ (problems->len, 1u);
  PoCatalogueProblem *problem = (PoCatalogueProblem *) g_ptr_array_index (problems, 0);
  EXPECT_EQ (std::string (problem->file), dir.file ("bad.json"));
  EXPECT_FALSE (problem->kept_previous);
  EXPECT_TRUE (Contains (problem->message, dir.file ("bad.json")
                                             + ": policy 'bad-1': field "
                                               "'issued': bad date '2020-02-30'"));
}

TEST (CatalogueLoading, PreviousGoodVersionKeepsWorking)
{
  TempDir dir;
  dir.write ("acme.json", policy_file ({ policy_json ("acme", { { "title", "\"good\"" } }) }));
  CataloguePtr first = load ({ dir.path () });
  PoPolicy *good = po_catalogue_lookup_policy (first.get (), "acme");
  std::string good_sha = po_policy_get_sha256 (good);

  dir.write ("acme.json", "{\"format\": 1, \"policies\": [ {\"id\": \"acme\", ");
  touch_later (dir.file ("acme.json"));
  EXPECT_FALSE (po_catalogue_is_current (first.get ()));
  CataloguePtr second = load ({ dir.path () }, first.get ());

  /* the very same policy object, hash and all */
  EXPECT_EQ (po_catalogue_lookup_policy (second.get (), "acme"), good);
  EXPECT_EQ (title_of (second.get (), "acme"), "good");
  EXPECT_EQ (po_policy_get_sha256 (po_catalogue_lookup_policy (second.get (), "acme")), good_sha);
  GPtrArray *problems = po_catalogue_get_problems (second.get ());
  ASSERT_EQ (problems->len, 1u);
  PoCatalogueProblem *problem = (PoCatalogueProblem *) g_ptr_array_index (problems, 0);
  EXPECT_TRUE (problem->kept_previous);
  EXPECT_TRUE (Contains (problem->message, "not valid JSON"));
  EXPECT_TRUE (
    Contains (problem->message, "keeping the version loaded before (sha256 " + good_sha + ")"));
  /* the broken file is what the catalogue saw last: nothing to reload */
  EXPECT_TRUE (po_catalogue_is_current (second.get ()));

  /* still bad on the next reload: still the good version */
  CataloguePtr third = load ({ dir.path () }, second.get ());
  EXPECT_EQ (title_of (third.get (), "acme"), "good");

  /* fixed: the new version */
  dir.write ("acme.json", policy_file ({ policy_json ("acme", { { "title", "\"fixed\"" } }) }));
  CataloguePtr fourth = load ({ dir.path () }, third.get ());
  EXPECT_EQ (title_of (fourth.get (), "acme"), "fixed");
  EXPECT_EQ (problems_text (fourth.get ()), "");
}

TEST (CatalogueLoading, WithoutAPreviousVersionABadFileGivesNothing)
{
  TempDir dir;
  dir.write ("acme.json", "not json");
  CataloguePtr catalogue = load ({ dir.path () });
  GPtrArray *problems = po_catalogue_get_problems (catalogue.get ());

  ASSERT_EQ (problems->len, 1u);
  EXPECT_FALSE (((PoCatalogueProblem *) g_ptr_array_index (problems, 0))->kept_previous);
}

TEST (CatalogueLoading, DeletedFileIsGone)
{
  TempDir dir;
  dir.write ("acme.json", policy_file ({ policy_json ("acme") }));
  CataloguePtr first = load ({ dir.path () });
  ASSERT_TRUE (po_catalogue_lookup_policy (first.get (), "acme") != NULL);

  ASSERT_EQ (g_unlink (dir.file ("acme.json").c_str ()), 0);
  EXPECT_FALSE (po_catalogue_is_current (first.get ()));
  CataloguePtr second = load ({ dir.path () }, first.get ());
  EXPECT_TRUE (po_catalogue_lookup_policy (second.get (), "acme") == NULL);
  EXPECT_EQ (problems_text (second.get ()), "");
}

TEST (CatalogueLoading, IsCurrentNoticesNewAndChangedFiles)
{
  TempDir dir;
  dir.write ("a.json", policy_file ({ policy_json ("a") }));
  CataloguePtr catalogue = load ({ dir.path () });
  EXPECT_TRUE (po_catalogue_is_current (catalogue.get ()));

  dir.write ("b.json", policy_file ({ policy_json ("b") }));
  EXPECT_FALSE (po_catalogue_is_current (catalogue.get ()));
  catalogue = load ({ dir.path () }, catalogue.get ());
  EXPECT_TRUE (po_catalogue_is_current (catalogue.get ()));

  touch_later (dir.file ("a.json"));
  EXPECT_FALSE (po_catalogue_is_current (catalogue.get ()));
}

TEST (CatalogueLoading, VendorsMayComeFromAnotherFile)
{
  TempDir dir;
  dir.write ("10-vendor.json", "{\"format\": 1, \"vendors\": [{\"id\": \"acme-soft\", \"name\": "
                               "\"Acme Soft\", \"products\": [{\"id\": \"acme-av\", \"name\": "
                               "\"Acme AV\", \"category\": \"antivirus\", \"indicators\": "
                               "{\"linux\": {\"deb_package\": [\"acme-av\"]}}}]}]}");
  dir.write ("20-policy.json",
             policy_file ({ policy_json ("acme-ban", { { "vendors", "[\"acme-soft\"]" } }) }));
  CataloguePtr catalogue = load ({ dir.path () });

  EXPECT_EQ (problems_text (catalogue.get ()), "");
  PoPolicy *policy = po_catalogue_lookup_policy (catalogue.get (), "acme-ban");
  ASSERT_TRUE (policy != NULL);
  EXPECT_TRUE (po_policy_covers (policy, "acme-soft", "acme-av", "antivirus"));
  EXPECT_TRUE (po_catalogue_match (catalogue.get (), PO_INDICATOR_DEB_PACKAGE, "acme-av", NULL));
}

TEST (CatalogueLoading, LosingAVendorRejectsThePoliciesNamingIt)
{
  TempDir dir;
  /* the vendor's file is bad, so the policy naming it cannot stand either */
  dir.write ("10-vendor.json", "{\"format\": 1, \"vendors\": [{\"id\": \"acme-soft\"}]}");
  dir.write ("20-policy.json",
             policy_file ({ policy_json ("acme-ban", { { "vendors", "[\"acme-soft\"]" } }) }));
  CataloguePtr catalogue = load ({ dir.path () });

  EXPECT_TRUE (po_catalogue_lookup_policy (catalogue.get (), "acme-ban") == NULL);
  std::string problems = problems_text (catalogue.get ());
  EXPECT_TRUE (Contains (problems, dir.file ("10-vendor.json")
                                     + ": vendor 'acme-soft': field "
                                       "'name': missing"));
  EXPECT_TRUE (Contains (problems, dir.file ("20-policy.json")
                                     + ": policy 'acme-ban': field "
                                       "'vendors[0]': unknown vendor 'acme-soft'"));
}

TEST (CatalogueLoading, MissingDirectories)
{
  TempDir dir;
  std::string absent = dir.file ("absent");

  /* an explicit --policy-dir that is missing is a problem */
  CataloguePtr explicit_dir = load ({ absent });
  EXPECT_TRUE (Contains (problems_text (explicit_dir.get ()), absent + ": policy directory: "));

  /* the default directory need not exist */
  OptionsPtr options (po_catalogue_options_new ());
  po_catalogue_options_set_permissions (options.get (), FALSE, 0);
  po_catalogue_options_add_policy_dir (options.get (), absent.c_str (), FALSE);
  CataloguePtr default_dir (po_catalogue_load (options.get (), NULL));
  EXPECT_EQ (problems_text (default_dir.get ()), "");
}

class CataloguePermissions : public ::testing::Test {
 protected:
  /* check permissions as root would, trusting the uid that owns the files */
  CataloguePtr
  load_as_root (const std::string &dir, PoCatalogue *previous = NULL, uid_t trusted = getuid ())
  {
    OptionsPtr options (po_catalogue_options_new ());
    po_catalogue_options_set_permissions (options.get (), TRUE, trusted);
    po_catalogue_options_add_policy_dir (options.get (), dir.c_str (), TRUE);
    return CataloguePtr (po_catalogue_load (options.get (), previous));
  }
  TempDir dir_;
};

TEST_F (CataloguePermissions, SafeFileIsRead)
{
  dir_.write ("ok.json", policy_file ({ policy_json ("ok") }), 0644);
  CataloguePtr catalogue = load_as_root (dir_.path ());
  EXPECT_EQ (problems_text (catalogue.get ()), "");
  EXPECT_TRUE (po_catalogue_lookup_policy (catalogue.get (), "ok") != NULL);
}

TEST_F (CataloguePermissions, GroupWritableFileIsRefused)
{
  dir_.write ("gw.json", policy_file ({ policy_json ("gw") }), 0664);
  CataloguePtr catalogue = load_as_root (dir_.path ());
  EXPECT_TRUE (po_catalogue_lookup_policy (catalogue.get (), "gw") == NULL);
  EXPECT_TRUE (Contains (problems_text (catalogue.get ()),
                         dir_.file ("gw.json") + ": refused: writable by group (mode 0664"));
}

TEST_F (CataloguePermissions, WorldWritableFileIsRefused)
{
  dir_.write ("ww.json", policy_file ({ policy_json ("ww") }), 0646);
  CataloguePtr catalogue = load_as_root (dir_.path ());
  EXPECT_TRUE (po_catalogue_lookup_policy (catalogue.get (), "ww") == NULL);
  EXPECT_TRUE (Contains (problems_text (catalogue.get ()), "refused: writable by others"));
}

TEST_F (CataloguePermissions, FileNotOwnedByRootIsRefused)
{
  dir_.write ("owner.json", policy_file ({ policy_json ("owner") }), 0644);
  uid_t other = getuid () + 4242;
  /* the directory is checked first: trust its owner by checking the file alone */
  OptionsPtr options (po_catalogue_options_new ());
  po_catalogue_options_set_permissions (options.get (), TRUE, other);
  po_catalogue_options_add_file (options.get (), dir_.file ("owner.json").c_str ());
  CataloguePtr catalogue (po_catalogue_load (options.get (), NULL));

  EXPECT_TRUE (po_catalogue_lookup_policy (catalogue.get (), "owner") == NULL);
  EXPECT_TRUE (Contains (problems_text (catalogue.get ()),
                         dir_.file ("owner.json") + ": refused: owned by uid "
                           + std::to_string (getuid ()) + ", not uid " + std::to_string (other)));
}

TEST_F (CataloguePermissions, WritableDirectoryIsRefused)
{
  dir_.write ("sub/ok.json", policy_file ({ policy_json ("in-sub") }), 0644);
  ASSERT_EQ (g_chmod (dir_.file ("sub").c_str (), 0777), 0);
  CataloguePtr catalogue = load_as_root (dir_.file ("sub"));
  EXPECT_TRUE (po_catalogue_lookup_policy (catalogue.get (), "in-sub") == NULL);
  EXPECT_TRUE (Contains (problems_text (catalogue.get ()),
                         dir_.file ("sub") + ": refused: writable by others"));
}

TEST_F (CataloguePermissions, RefusedFileKeepsPreviousVersion)
{
  dir_.write ("acme.json", policy_file ({ policy_json ("acme", { { "title", "\"safe\"" } }) }),
              0644);
  CataloguePtr first = load_as_root (dir_.path ());
  ASSERT_EQ (title_of (first.get (), "acme"), "safe");

  /* somebody made it writable and changed it: the change is not read */
  dir_.write ("acme.json", policy_file ({ policy_json ("acme", { { "title", "\"evil\"" } }) }),
              0666);
  EXPECT_FALSE (po_catalogue_is_current (first.get ()));
  CataloguePtr second = load_as_root (dir_.path (), first.get ());
  EXPECT_EQ (title_of (second.get (), "acme"), "safe");
  EXPECT_TRUE (Contains (problems_text (second.get ()), "keeping the version loaded before"));
}

TEST_F (CataloguePermissions, NotCheckedWhenSwitchedOff)
{
  dir_.write ("ww.json", policy_file ({ policy_json ("ww") }), 0666);
  CataloguePtr catalogue = load ({ dir_.path () });
  EXPECT_TRUE (po_catalogue_lookup_policy (catalogue.get (), "ww") != NULL);
}
