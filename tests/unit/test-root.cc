/* SPDX-License-Identifier: Apache-2.0 */
#include <gtest/gtest.h>
#include <set>
#include <unistd.h>

#include <gio/gio.h>

#include "po-test-shim.h"

namespace {

class RootTest : public ::testing::Test {
 protected:
  void
  SetUp () override
  {
    dir.write ("etc/os-release", "ID=debian\n");
    dir.write ("var/lib/big", std::string (4096, 'x'));
    /* links an unprivileged user could plant, aiming outside the tree */
    ASSERT_EQ (symlink ("/etc/hostname", dir.file ("absolute-link").c_str ()), 0);
    ASSERT_EQ (symlink ("../../../../../../etc/hostname", dir.file ("etc/dotdot-link").c_str ()),
               0);
    ASSERT_EQ (symlink ("os-release", dir.file ("etc/inside-link").c_str ()), 0);
    GError *error = NULL;
    root = po_root_new (dir.path ().c_str (), &error);
    ASSERT_NE (root, nullptr) << error->message;
  }
  void
  TearDown () override
  {
    po_root_unref (root);
  }

  po_test::TempDir dir;
  PoRoot *root = nullptr;
};

TEST_F (RootTest, ReadsBeneathTheRoot)
{
  gchar *contents = NULL;
  gsize length = 0;
  GError *error = NULL;
  ASSERT_TRUE (po_root_read_file (root, "/etc/os-release", 1024, &contents, &length, &error));
  EXPECT_STREQ (contents, "ID=debian\n");
  EXPECT_EQ (length, 10u);
  g_free (contents);
  EXPECT_FALSE (po_root_is_host (root));
  g_autofree gchar *path = po_root_build_path (root, "/etc/os-release");
  EXPECT_EQ (std::string (path), dir.file ("etc/os-release"));
}

TEST_F (RootTest, LinksInsideTheTreeResolveInsideIt)
{
  gchar *contents = NULL;
  ASSERT_TRUE (po_root_read_file (root, "/etc/inside-link", 1024, &contents, NULL, NULL));
  EXPECT_STREQ (contents, "ID=debian\n");
  g_free (contents);
}

TEST_F (RootTest, LinksNeverLeaveTheTree)
{
  /* the host has /etc/hostname; the tree does not: both links must miss */
  ASSERT_TRUE (g_file_test ("/etc/hostname", G_FILE_TEST_EXISTS));
  for (const char *path : { "/absolute-link", "/etc/dotdot-link", "/../../etc/hostname" })
    {
      gchar *contents = NULL;
      po_test::ErrorPtr error;
      GError *raw = NULL;
      EXPECT_FALSE (po_root_read_file (root, path, 1024, &contents, NULL, &raw)) << path;
      error.reset (raw);
      ASSERT_NE (error, nullptr);
      EXPECT_TRUE (g_error_matches (error.get (), G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        << error->message;
      EXPECT_NE (strstr (error->message, dir.path ().c_str ()), nullptr) << error->message;
    }
}

TEST_F (RootTest, ReadsAreBounded)
{
  gchar *contents = NULL;
  GError *raw = NULL;
  EXPECT_FALSE (po_root_read_file (root, "/var/lib/big", 100, &contents, NULL, &raw));
  po_test::ErrorPtr error (raw);
  ASSERT_NE (error, nullptr);
  EXPECT_TRUE (g_error_matches (error.get (), PO_ERROR, PO_ERROR_TOO_LARGE));
  EXPECT_NE (strstr (error->message, "/var/lib/big"), nullptr);
}

TEST_F (RootTest, LstatAndReadlinkSeeTheLinkItself)
{
  struct stat st;
  ASSERT_TRUE (po_root_lstat (root, "/absolute-link", &st, NULL));
  EXPECT_TRUE (S_ISLNK (st.st_mode));
  gchar *target = NULL;
  ASSERT_TRUE (po_root_readlink (root, "/absolute-link", &target, NULL));
  EXPECT_STREQ (target, "/etc/hostname");
  g_free (target);
  ASSERT_TRUE (po_root_lstat (root, "/etc", &st, NULL));
  EXPECT_TRUE (S_ISDIR (st.st_mode));
}

TEST_F (RootTest, FilesOfOneDirectoryReadLikeWholePaths)
{
  GError *error = NULL;
  int dirfd = po_root_open_directory (root, "/etc", &error);
  ASSERT_GE (dirfd, 0) << error->message;
  gchar *contents = NULL;
  gsize length = 0;
  ASSERT_TRUE (
    po_root_read_file_at (root, dirfd, "/etc", "os-release", 1024, &contents, &length, NULL));
  EXPECT_STREQ (contents, "ID=debian\n");
  EXPECT_EQ (length, 10u);
  g_clear_pointer (&contents, g_free);
  /* a link is resolved beneath the root, as with the whole path */
  ASSERT_TRUE (
    po_root_read_file_at (root, dirfd, "/etc", "inside-link", 1024, &contents, NULL, NULL));
  EXPECT_STREQ (contents, "ID=debian\n");
  g_clear_pointer (&contents, g_free);
  GError *raw = NULL;
  EXPECT_FALSE (
    po_root_read_file_at (root, dirfd, "/etc", "dotdot-link", 1024, &contents, NULL, &raw));
  po_test::ErrorPtr missing (raw);
  ASSERT_NE (missing, nullptr);
  EXPECT_TRUE (g_error_matches (missing.get (), G_IO_ERROR, G_IO_ERROR_NOT_FOUND));
  EXPECT_NE (strstr (missing->message, "/etc/dotdot-link"), nullptr) << missing->message;
  gchar *target = NULL;
  ASSERT_TRUE (po_root_readlink_at (root, dirfd, "/etc", "dotdot-link", &target, NULL));
  EXPECT_STREQ (target, "../../../../../../etc/hostname");
  g_free (target);
  close (dirfd);

  int top = po_root_open_directory (root, "/", NULL);
  ASSERT_GE (top, 0);
  raw = NULL;
  EXPECT_FALSE (
    po_root_read_file_at (root, top, "/", "absolute-link", 1024, &contents, NULL, &raw));
  po_test::ErrorPtr outside (raw);
  ASSERT_NE (outside, nullptr);
  EXPECT_TRUE (g_error_matches (outside.get (), G_IO_ERROR, G_IO_ERROR_NOT_FOUND));
  close (top);
}

TEST_F (RootTest, ReadsExactlyTheSizeOrRefuse)
{
  dir.write ("big", std::string (10000, 'y'));
  gchar *contents = NULL;
  gsize length = 0;
  ASSERT_TRUE (po_root_read_file (root, "/big", 10000, &contents, &length, NULL));
  EXPECT_EQ (length, 10000u);
  EXPECT_EQ (strlen (contents), 10000u);
  g_free (contents);
  GError *raw = NULL;
  EXPECT_FALSE (po_root_read_file (root, "/big", 9999, &contents, NULL, &raw));
  po_test::ErrorPtr error (raw);
  EXPECT_TRUE (g_error_matches (error.get (), PO_ERROR, PO_ERROR_TOO_LARGE));
}

TEST_F (RootTest, ListsDirectories)
{
  GError *error = NULL;
  DIR *listing = po_root_opendir (root, "/etc", &error);
  ASSERT_NE (listing, nullptr) << error->message;
  std::set<std::string> names;
  struct dirent *entry;
  while ((entry = readdir (listing)) != NULL)
    names.insert (entry->d_name);
  closedir (listing);
  EXPECT_TRUE (names.count ("os-release"));
  EXPECT_TRUE (names.count ("dotdot-link"));
}

TEST (Root, DevicesAndFifosAreNotRead)
{
  GError *raw = NULL;
  PoRoot *host = po_root_new ("/", &raw);
  ASSERT_NE (host, nullptr);
  gchar *contents = NULL;
  EXPECT_FALSE (po_root_read_file (host, "/dev/zero", 64 * 1024 * 1024, &contents, NULL, &raw));
  po_test::ErrorPtr error (raw);
  ASSERT_NE (error, nullptr);
  EXPECT_NE (strstr (error->message, "not a regular file"), nullptr) << error->message;
  po_root_unref (host);

  po_test::TempDir dir;
  ASSERT_EQ (mkfifo (dir.file ("fifo").c_str (), 0600), 0);
  PoRoot *root = po_root_new (dir.path ().c_str (), NULL);
  raw = NULL;
  EXPECT_FALSE (po_root_read_file (root, "/fifo", 1024, &contents, NULL, &raw));
  error.reset (raw);
  ASSERT_NE (error, nullptr);
  po_root_unref (root);
}

TEST (Root, MissingRootIsAClearError)
{
  GError *raw = NULL;
  EXPECT_EQ (po_root_new ("/nonexistent/phaseout-root", &raw), nullptr);
  po_test::ErrorPtr error (raw);
  ASSERT_NE (error, nullptr);
  EXPECT_NE (strstr (error->message, "/nonexistent/phaseout-root"), nullptr);
}

TEST (Root, HostRootReadsTheHost)
{
  GError *error = NULL;
  PoRoot *root = po_root_new ("/", &error);
  ASSERT_NE (root, nullptr);
  EXPECT_TRUE (po_root_is_host (root));
  gchar *contents = NULL;
  EXPECT_TRUE (po_root_read_file (root, "/proc/self/stat", 65536, &contents, NULL, NULL));
  g_free (contents);
  /* /proc files say size 0: the read grows past its first page */
  gsize length = 0;
  ASSERT_TRUE (po_root_read_file (root, "/proc/self/maps", 16 << 20, &contents, &length, NULL));
  EXPECT_GT (length, 4096u);
  EXPECT_EQ (strlen (contents), length);
  EXPECT_EQ (contents[length - 1], '\n');
  g_free (contents);
  po_root_unref (root);
}

/* the shim's cleanup once followed a fixture's link to /etc as root and
 * emptied it: a link out of a TempDir must be removed as a link */
TEST (TempDir, NeverFollowsLinksOutOfTheTree)
{
  po_test::TempDir outside;
  outside.write ("keep/sentinel", "precious", 0640);
  ASSERT_EQ (chmod (outside.file ("keep").c_str (), 0750), 0);
  {
    po_test::TempDir tree;
    tree.write ("sub/file", "x");
    ASSERT_EQ (symlink (outside.file ("keep").c_str (), tree.file ("sub/link-to-dir").c_str ()), 0);
    ASSERT_EQ (symlink (outside.file ("keep/sentinel").c_str (),
                        tree.file ("link-to-file").c_str ()),
               0);
    ASSERT_EQ (chmod (tree.file ("sub").c_str (), 0500), 0);
  }
  struct stat st;
  ASSERT_EQ (stat (outside.file ("keep/sentinel").c_str (), &st), 0) << "followed a link";
  EXPECT_EQ (st.st_mode & 0777, 0640u);
  ASSERT_EQ (stat (outside.file ("keep").c_str (), &st), 0);
  EXPECT_EQ (st.st_mode & 0777, 0750u);
}

}  // namespace
