/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The path memo (po-path-memo.c): which paths many path patterns name are
 * missing, looked up one fstatat(2) at a time and, past a few per
 * directory, from one read of the directory.  It may only ever skip a probe
 * that would have found nothing: the probes are the judge, with symlinks
 * (in the middle, at the end, dangling, out of the root) and with
 * directories phaseout may search but not read, or read but not search.
 */
#include "inventory-test-util.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace po_test;

namespace {

/* the paths a pattern's probe finds */
std::vector<std::string>
probe (PoRuntime *runtime, const std::string &pattern, GPtrArray *warnings = nullptr)
{
  GPtrArray *infos = nullptr;
  GError *error = nullptr;
  std::vector<std::string> out;
  if (!po_inventory_probe_pattern (po_runtime_get_inventory (runtime), pattern.c_str (), warnings,
                                   &infos, &error))
    {
      g_clear_error (&error);
      return out;
    }
  for (guint i = 0; i < infos->len; i++)
    out.push_back (((PoPathInfo *) infos->pdata[i])->path);
  g_ptr_array_unref (infos);
  return out;
}

/*
 * a tree where /opt holds many vendors' directories (so the memo reads it
 * whole) and links of every kind
 */
void
write_vendor_tree (const TempDir &root)
{
  for (int i = 0; i < 30; i += 2)
    {
      root.write ("opt/vendor" + std::to_string (i) + "/bin/agent", "");
      root.write ("opt/vendor" + std::to_string (i) + "/bin/agent" + std::to_string (i), "");
    }
  root.write ("opt/file", "");
  ASSERT_EQ (symlink ("vendor0", root.file ("opt/link").c_str ()), 0);
  ASSERT_EQ (symlink ("/nowhere", root.file ("opt/dangling").c_str ()), 0);
  /* out of the root: beneath it, /etc is the root's, which has no passwd */
  ASSERT_EQ (symlink ("/etc", root.file ("opt/escape").c_str ()), 0);
  ASSERT_EQ (symlink ("../../../../../../etc", root.file ("opt/up").c_str ()), 0);
}

std::vector<std::string>
vendor_patterns ()
{
  std::vector<std::string> patterns;
  for (int i = 0; i < 40; i++)
    {
      std::string v = "/opt/vendor" + std::to_string (i);
      patterns.push_back (v + "/*");
      patterns.push_back (v);
      patterns.push_back (v + "/bin/agent");
      patterns.push_back (v + "/bin/agent" + std::to_string (i));
      patterns.push_back (v + "/bin/agent" + std::to_string (i + 1));
      patterns.push_back (v + "/bin/*.conf");
    }
  for (const char *p :
       { "/opt/link", "/opt/link/bin/agent", "/opt/link/bin/agent0", "/opt/link/bin/agent1",
         "/opt/dangling", "/opt/dangling/x", "/opt/escape", "/opt/escape/passwd", "/opt/up/passwd",
         "/opt/file", "/opt/file/x", "/opt/", "/opt/.", "/opt/vendor0/.", "/opt/vendor0/",
         "/opt/vendor0//bin/agent", "/opt", "/nonexistent/x", "/opt/vendor0/bin/" })
    patterns.push_back (p);
  return patterns;
}

/*
 * every pattern against the memo and its probe: a memo "no" with a probe
 * that finds something is the bug this guards against; returns the
 * number of such patterns and counts the memo's "no"s
 */
int
memo_disagreements (PoRuntime *runtime, const std::vector<std::string> &patterns, int *ret_skipped,
                    std::string *ret_report)
{
  PoPathMemo *memo = po_path_memo_new (po_runtime_get_inventory (runtime));
  int wrong = 0;

  *ret_skipped = 0;
  for (const auto &pattern : patterns)
    {
      gboolean could = po_path_memo_could_exist (memo, pattern.c_str ());
      auto found = probe (runtime, pattern);
      if (!could)
        (*ret_skipped)++;
      if (!could && !found.empty ())
        {
          wrong++;
          *ret_report += "memo skips " + pattern + ", which finds " + found[0] + "\n";
        }
    }
  po_path_memo_free (memo);
  return wrong;
}

}  // namespace

TEST (PathMemo, SkipsOnlyWhatTheProbeWouldNotFind)
{
  ScratchDir root;
  write_vendor_tree (root);
  ASSERT_TRUE (g_file_test ("/etc/passwd", G_FILE_TEST_EXISTS));
  RuntimePtr runtime = make_runtime ({ { "root", root.path () } });
  std::string report;
  int skipped = 0;

  EXPECT_EQ (memo_disagreements (runtime.get (), vendor_patterns (), &skipped, &report), 0)
    << report;
  /* and it does skip: the missing vendors, missing files in present directories */
  EXPECT_GT (skipped, 100);

  /* the answers one by one, past the point where /opt is read whole */
  PoPathMemo *memo = po_path_memo_new (po_runtime_get_inventory (runtime.get ()));
  for (int i = 0; i < 40; i++)
    {
      std::string v = "/opt/vendor" + std::to_string (i);
      EXPECT_EQ (po_path_memo_could_exist (memo, (v + "/*").c_str ()), i % 2 == 0 && i < 30) << v;
      EXPECT_EQ (po_path_memo_could_exist (memo, (v + "/bin/agent").c_str ()), i % 2 == 0 && i < 30)
        << v;
      EXPECT_FALSE (
        po_path_memo_could_exist (memo, (v + "/bin/agent" + std::to_string (i + 1)).c_str ()))
        << v;
    }
  /* a link is there (the probe reports it), dangling or not; what lies
   * beyond a link is looked up where the link leads, beneath the root */
  EXPECT_TRUE (po_path_memo_could_exist (memo, "/opt/dangling"));
  EXPECT_TRUE (po_path_memo_could_exist (memo, "/opt/link/bin/agent0"));
  EXPECT_FALSE (po_path_memo_could_exist (memo, "/opt/link/bin/agent2"));
  EXPECT_FALSE (po_path_memo_could_exist (memo, "/opt/escape/passwd"));
  EXPECT_FALSE (po_path_memo_could_exist (memo, "/opt/up/passwd"));
  po_path_memo_free (memo);
}

/*
 * A directory phaseout may search but not read (mode 0711) cannot be read
 * whole: its names are still looked up one by one.  One it may read but
 * not search (0644) gives no answer at all: the probes decide (and warn).
 * Run as an unprivileged user (a child that drops root when the tests run
 * as root), since root may do both.
 */
TEST (PathMemo, DirectoriesThatCannotBeReadOrSearched)
{
  ScratchDir root;
  for (int i = 0; i < 20; i += 2)
    {
      root.write ("locked/v" + std::to_string (i) + "/agent", "");
      root.write ("opaque/v" + std::to_string (i) + "/agent", "");
    }
  ASSERT_EQ (chmod (root.path ().c_str (), 0755), 0);
  ASSERT_EQ (chmod (root.file ("locked").c_str (), 0711), 0);
  ASSERT_EQ (chmod (root.file ("opaque").c_str (), 0644), 0);

  pid_t child = fork ();
  ASSERT_GE (child, 0);
  if (child == 0)
    {
      /* no gtest here: the exit status is the number of wrong answers */
      int wrong = 0;
      if (geteuid () == 0 && (setgid (65534) != 0 || setuid (65534) != 0))
        _exit (100);
      if (access (root.path ().c_str (), X_OK) != 0)
        _exit (101);
      RuntimePtr runtime = make_runtime ({ { "root", root.path () } });
      PoPathMemo *memo = po_path_memo_new (po_runtime_get_inventory (runtime.get ()));
      for (int i = 0; i < 20; i++)
        {
          std::string locked = "/locked/v" + std::to_string (i) + "/agent";
          std::string opaque = "/opaque/v" + std::to_string (i) + "/agent";
          gboolean there = i % 2 == 0;
          if (po_path_memo_could_exist (memo, locked.c_str ()) != there)
            {
              fprintf (stderr, "memo wrong about %s\n", locked.c_str ());
              wrong++;
            }
          /* nothing known: never skipped */
          if (!po_path_memo_could_exist (memo, opaque.c_str ()))
            {
              fprintf (stderr, "memo skips %s in a directory it cannot search\n", opaque.c_str ());
              wrong++;
            }
        }
      po_path_memo_free (memo);
      _exit (wrong);
    }
  int status = 0;
  ASSERT_EQ (waitpid (child, &status, 0), child);
  ASSERT_TRUE (WIFEXITED (status));
  /* the cleanup must be able to enter them again */
  ASSERT_EQ (chmod (root.file ("locked").c_str (), 0755), 0);
  ASSERT_EQ (chmod (root.file ("opaque").c_str (), 0755), 0);
  if (WEXITSTATUS (status) == 101)
    GTEST_SKIP () << "the temporary directory is not reachable by an unprivileged user";
  EXPECT_NE (WEXITSTATUS (status), 100) << "could not become an unprivileged user";
  EXPECT_EQ (WEXITSTATUS (status), 0) << "wrong answers (see above)";
}

/*
 * The prefixes the memo looks at for a pattern: when the memo says any of
 * them is missing, it must say so of the pattern too, and the probe find
 * nothing, for every pattern of the tree with links; NULL where the memo
 * looks at nothing.
 */
TEST (PathMemo, CheckedPrefixesNeverHideWhatThePatternFinds)
{
  ScratchDir root;
  write_vendor_tree (root);
  RuntimePtr runtime = make_runtime ({ { "root", root.path () } });
  PoPathMemo *memo = po_path_memo_new (po_runtime_get_inventory (runtime.get ()));
  int decided = 0;

  for (const auto &pattern : vendor_patterns ())
    {
      g_auto (GStrv) prefixes = po_path_memo_checked_prefixes (pattern.c_str ());
      bool missing = false;
      for (guint p = 0; prefixes != nullptr && prefixes[p] != nullptr; p++)
        missing = missing || !po_path_memo_could_exist (memo, prefixes[p]);
      if (!missing)
        continue;
      decided++;
      EXPECT_FALSE (po_path_memo_could_exist (memo, pattern.c_str ())) << pattern;
      EXPECT_TRUE (probe (runtime.get (), pattern).empty ()) << pattern;
    }
  EXPECT_GT (decided, 25 * 6);
  po_path_memo_free (memo);

  /* the prefixes asked in order, each only while the one above is there,
   * as the compliance scan asks them: the same answers as asking whole */
  for (const auto &pattern : vendor_patterns ())
    {
      g_auto (GStrv) prefixes = po_path_memo_checked_prefixes (pattern.c_str ());
      PoPathMemo *walked = po_path_memo_new (po_runtime_get_inventory (runtime.get ()));
      PoPathMemo *whole = po_path_memo_new (po_runtime_get_inventory (runtime.get ()));
      for (guint p = 0; prefixes != nullptr && prefixes[p] != nullptr; p++)
        {
          gboolean there = p == 0 ? po_path_memo_could_exist (walked, prefixes[p])
                                  : po_path_memo_prefix_there (walked, prefixes[p]);
          EXPECT_EQ (there, po_path_memo_could_exist (whole, prefixes[p]))
            << pattern << ": " << prefixes[p];
          if (!there)
            break;
        }
      po_path_memo_free (walked);
      po_path_memo_free (whole);
    }

  const std::pair<const char *, const char *> expected[] = {
    { "/opt/acme/bin/*", "/opt /opt/acme /opt/acme/bin" },
    { "/opt/acme/bin/agent", "/opt /opt/acme /opt/acme/bin /opt/acme/bin/agent" },
    { "/opt/acme", "/opt /opt/acme" },
    { "/opt/acme/", "/opt /opt/acme" },
    { "/var/lib/acme-*/db", "/var /var/lib" },
    { "/opt/acme*/bin", "/opt" },
    { "/opt/*", "/opt" },
    { "/opt", "/opt" },
    { "/opt/.", "/opt" },
    { "/opt/./acme", "/opt /opt/. /opt/./acme" },
    { "/opt//acme/x", nullptr }, /* the memo does not judge these */
    { "/opt/../etc/passwd", nullptr },
    { "opt/acme/x", nullptr },
    { "/", nullptr },
    { "/*", nullptr },
    { "", nullptr },
  };
  for (const auto &[pattern, want] : expected)
    {
      g_auto (GStrv) prefixes = po_path_memo_checked_prefixes (pattern);
      g_autofree gchar *got = prefixes != nullptr ? g_strjoinv (" ", prefixes) : nullptr;
      EXPECT_STREQ (got, want) << pattern;
    }
}
