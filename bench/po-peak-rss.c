/* SPDX-License-Identifier: Apache-2.0 */
/*
 * po-peak-rss: runs a command (output to /dev/null) and prints its peak
 * resident set in kB, its exit status on failure.
 *
 *   po-peak-rss COMMAND [ARG...]
 *
 * Why not wait4() in po-bench itself: Linux folds the peak RSS of the
 * address space a process leaves at exec() into its ru_maxrss, and a child
 * of po-bench (fork or posix_spawn's vfork alike) leaves po-bench's own,
 * a whole runtime's worth, so every command would seem to need at least
 * that.  This program is small: its child's figure is the command's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  struct rusage usage;
  pid_t pid;
  int status;

  if (argc < 2)
    {
      fprintf (stderr, "usage: po-peak-rss COMMAND [ARG...]\n");
      return 2;
    }
  pid = fork ();
  if (pid < 0)
    {
      fprintf (stderr, "po-peak-rss: fork: %s\n", strerror (errno));
      return 1;
    }
  if (pid == 0)
    {
      int null = open ("/dev/null", O_WRONLY);
      if (null < 0 || dup2 (null, 1) < 0 || dup2 (null, 2) < 0)
        _exit (127);
      execvp (argv[1], argv + 1);
      _exit (127);
    }
  while (wait4 (pid, &status, 0, &usage) < 0)
    if (errno != EINTR)
      {
        fprintf (stderr, "po-peak-rss: wait4: %s\n", strerror (errno));
        return 1;
      }
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      fprintf (stderr, "po-peak-rss: %s failed (status %d)\n", argv[1], status);
      return 1;
    }
  printf ("%ld\n", usage.ru_maxrss);
  return 0;
}
