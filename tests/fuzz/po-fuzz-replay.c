/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A main() for the fuzz targets without libFuzzer: runs the target once on
 * every file named on the command line (a directory: every file in it, in
 * name order).  The normal build links each target with this and ctest
 * replays the committed seeds and regressions, so an input that once
 * crashed phaseout keeps being tried by gcc builds, the ASan+UBSan preset
 * and anyone without clang.  A crash or a broken check aborts as in the
 * fuzzer; exit 0 means every input passed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "po-fuzz.h"

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const gchar *const *) a, *(const gchar *const *) b);
}

static void
collect (const gchar *path, GPtrArray *files)
{
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GPtrArray) names = NULL;
  const gchar *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_ptr_array_add (files, g_strdup (path));
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  if (dir == NULL)
    return;
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (names, g_build_filename (path, name, NULL));
  g_ptr_array_sort (names, compare_strings);
  for (guint i = 0; i < names->len; i++)
    if (g_file_test (names->pdata[i], G_FILE_TEST_IS_REGULAR))
      g_ptr_array_add (files, g_strdup (names->pdata[i]));
}

int
main (int argc, char **argv)
{
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);

  LLVMFuzzerInitialize (&argc, &argv);
  for (int i = 1; i < argc; i++)
    collect (argv[i], files);
  if (files->len == 0)
    {
      fprintf (stderr, "%s: no inputs (give files or directories)\n", argv[0]);
      return 2;
    }
  for (guint i = 0; i < files->len; i++)
    {
      g_autofree gchar *contents = NULL;
      g_autoptr (GError) error = NULL;
      gsize length = 0;
      guint8 *copy;

      if (!g_file_get_contents (files->pdata[i], &contents, &length, &error))
        {
          fprintf (stderr, "%s\n", error->message);
          return 2;
        }
      /* an exact-size heap copy, so ASan sees a read past the end */
      copy = g_malloc (MAX (length, 1));
      memcpy (copy, contents, length);
      fprintf (stderr, "replaying %s (%zu bytes)\n", (const gchar *) files->pdata[i], length);
      LLVMFuzzerTestOneInput (copy, length);
      g_free (copy);
    }
  printf ("%u inputs passed\n", files->len);
  return 0;
}
