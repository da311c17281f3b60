/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rpm databases librpm failed to open, remembered per inventory.
 *
 * librpm 4.18 leaks the sqlite handle (about 100 KB) of every failed open
 * of a corrupt rpmdb.sqlite, and the rpm collector runs on every query: on
 * a host with a corrupt database the extension would grow without end.  So
 * a failure is remembered with the database file's identity (device,
 * inode, size, mtime to the nanosecond) and its message, and while the
 * file is unchanged the collector reports the same warning without asking
 * librpm again.  A repaired or rebuilt database is a changed file: it is
 * opened again.
 *
 * One per inventory (po-inventory.c), hence per root; at most one
 * entry per candidate database path (a handful), behind a mutex.
 */
#include "po-inventory-private.h"

struct _PoRpmFailures {
  GMutex lock;
  GHashTable *entries; /* host path -> Failure */
};

typedef struct {
  struct stat st; /* the database file as it was when the open failed */
  gchar *message;
} Failure;

static void
failure_free (Failure *failure)
{
  g_free (failure->message);
  g_free (failure);
}

PoRpmFailures *
po_rpm_failures_new (void)
{
  PoRpmFailures *failures = g_new0 (PoRpmFailures, 1);
  g_mutex_init (&failures->lock);
  failures->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) failure_free);
  return failures;
}

void
po_rpm_failures_free (PoRpmFailures *failures)
{
  if (failures == NULL)
    return;
  g_hash_table_unref (failures->entries);
  g_mutex_clear (&failures->lock);
  g_free (failures);
}

gchar *
po_rpm_failures_lookup (PoRpmFailures *failures, const gchar *host_path, const struct stat *st)
{
  Failure *failure;
  gchar *message = NULL;

  g_mutex_lock (&failures->lock);
  failure = g_hash_table_lookup (failures->entries, host_path);
  if (failure != NULL && po_file_same_contents (&failure->st, st))
    message = g_strdup (failure->message);
  g_mutex_unlock (&failures->lock);
  return message;
}

void
po_rpm_failures_remember (PoRpmFailures *failures, const gchar *host_path, const struct stat *st,
                          const gchar *message)
{
  Failure *failure = g_new0 (Failure, 1);

  failure->st = *st;
  failure->message = g_strdup (message);
  g_mutex_lock (&failures->lock);
  g_hash_table_replace (failures->entries, g_strdup (host_path), failure);
  g_mutex_unlock (&failures->lock);
}

void
po_rpm_failures_forget (PoRpmFailures *failures, const gchar *host_path)
{
  g_mutex_lock (&failures->lock);
  g_hash_table_remove (failures->entries, host_path);
  g_mutex_unlock (&failures->lock);
}
