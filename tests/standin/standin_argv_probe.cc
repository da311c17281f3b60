/* SPDX-License-Identifier: Apache-2.0 */

/*
 * A stand-in "extension" for the launch tests: writes what osqueryd's
 * launch gave it (argv, OSQUERY_EXTENSION, its pid, blocked and ignored
 * signals, open descriptors) to $PO_PROBE_OUT, one "key value" per line, then waits
 * for SIGTERM (default action) unless PO_PROBE_EXIT is set.
 */

#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

int main (int argc, char **argv) {
  const char *out_path = std::getenv ("PO_PROBE_OUT");
  if (out_path == nullptr)
    return 2;
  std::FILE *out = std::fopen (out_path, "w");
  if (out == nullptr)
    return 3;
  for (int i = 0; i < argc; i++)
    std::fprintf (out, "argv %s\n", argv[i]);
  const char *ext = std::getenv ("OSQUERY_EXTENSION");
  std::fprintf (out, "env %s\n", ext != nullptr ? ext : "(unset)");
  std::fprintf (out, "pid %d\n", static_cast<int> (getpid ()));

  /* an ignored disposition and the mask survive execve; handlers do not */
  sigset_t mask;
  sigprocmask (SIG_SETMASK, nullptr, &mask);
  for (int sig = 1; sig < NSIG; sig++) {
    if (sigismember (&mask, sig) == 1)
      std::fprintf (out, "blocked %d\n", sig);
    struct sigaction sa;
    if (sigaction (sig, nullptr, &sa) == 0 && sa.sa_handler == SIG_IGN)
      std::fprintf (out, "ignored %d\n", sig);
  }

  int fds = 0;
  if (DIR *d = opendir ("/proc/self/fd")) {
    while (struct dirent *e = readdir (d)) {
      if (e->d_name[0] != '.')
        fds++;
    }
    closedir (d);
    fds--; /* the directory's own descriptor */
  }
  std::fprintf (out, "fds %d\n", fds - 1); /* without the output file */
  /* before "done", so a test that sees "done" may send SIGTERM */
  if (std::getenv ("PO_PROBE_IGNORE_TERM") != nullptr)
    signal (SIGTERM, SIG_IGN);
  std::fprintf (out, "done 1\n");
  std::fclose (out);

  if (std::getenv ("PO_PROBE_EXIT") != nullptr)
    return std::atoi (std::getenv ("PO_PROBE_EXIT"));
  for (;;)
    pause ();
}
