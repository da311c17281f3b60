/* SPDX-License-Identifier: Apache-2.0 */
/*
 * RPM packages, through librpm (Debian's librpm-dev, rpm 4.18).
 *
 * librpm keeps process-wide state: the macro context, the rpmlog
 * callback, the configuration read once by rpmReadConfigFiles().  It is
 * not safe to use from two threads at once, so every use here is under
 * one mutex.  What we make sure of, and why:
 *
 *  - the database is found beneath the root first (rpmdb.sqlite, Packages
 *    or Packages.db in /var/lib/rpm, /usr/lib/sysimage/rpm or
 *    /usr/share/rpm).  librpm, asked to open a database that does not
 *    exist, creates one (its sqlite backend drops SQLITE_OPEN_READONLY to
 *    do it) and the directory with it: a reader must never write.
 *  - %_dbpath is set explicitly: Debian's macros define it as
 *    %(bash -c 'echo ~/.rpmdb'), which would run a shell when expanded.
 *  - rpmtsOpenDB(O_RDONLY): the sqlite backend opens with
 *    SQLITE_OPEN_READONLY and a 50 ms busy timeout, the Berkeley DB one
 *    is librpm's lock-free read-only reader (bdb_ro).  rpm's transaction
 *    lock (%_rpmlock_path) is taken only by rpmtsRun(), which we never
 *    call, so an rpm or dnf transaction in progress cannot block us.
 *  - rpmlog goes to g_debug instead of stderr.
 *  - signatures and digests are not checked (RPMVSF_MASK_NO*): this is
 *    the installed database, not a package from outside, and the header
 *    sanity checks stay on.
 *
 *  - librpm never leaves the root: the database directory is resolved
 *    beneath it by PoRoot (RESOLVE_IN_ROOT: an absolute link in an image,
 *    /var/lib/rpm -> /var/lib/rpm or -> /srv/rpm, is followed inside the
 *    image) and librpm is given "/proc/self/fd/N" of that directory as
 *    %_dbpath, with "/" as its root directory.  A descriptor rather than
 *    the resolved path as a string: the string would be walked again, and
 *    a link changed in between would lead anywhere; the descriptor is the
 *    directory that was checked.  The database file in it must be a
 *    regular file (not a link), checked just before librpm opens it.
 *  - a failed open is remembered (po-rpm-failures.c) while the database
 *    file is unchanged: librpm leaks about 100 KB per failed open of a
 *    corrupt rpmdb.sqlite, and this runs on every query.
 */
#include "po-inventory-private.h"

#include <fcntl.h>
#include <rpm/header.h>
#include <rpm/rpmdb.h>
#include <rpm/rpmlib.h>
#include <rpm/rpmlog.h>
#include <rpm/rpmmacro.h>
#include <rpm/rpmts.h>
#include <string.h>
#include <unistd.h>

#define MAX_RPM_PACKAGES 1000000

static GMutex rpm_lock;
static gboolean rpm_configured;

static const gchar *const db_dirs[] = {
  "/var/lib/rpm",
  "/usr/lib/sysimage/rpm",
  "/usr/share/rpm",
};

static const struct {
  const gchar *file;
  const gchar *backend;
} db_files[] = {
  { "rpmdb.sqlite", "sqlite" },
  { "Packages", "bdb_ro" },
  { "Packages.db", "ndb" },
};

static int
rpmlog_to_glib (rpmlogRec rec, rpmlogCallbackData data)
{
  const gchar *message = rpmlogRecMessage (rec);
  g_debug ("rpm: %s", message != NULL ? message : "");
  return 0;
}

/* the first database directory beneath the root that has a database file */
static gboolean
find_database (PoRoot *root, const gchar **ret_dir, const gchar **ret_file,
               const gchar **ret_backend)
{
  for (gsize d = 0; d < G_N_ELEMENTS (db_dirs); d++)
    for (gsize f = 0; f < G_N_ELEMENTS (db_files); f++)
      {
        g_autofree gchar *path = g_build_filename (db_dirs[d], db_files[f].file, NULL);
        struct stat st;
        if (po_root_lstat (root, path, &st, NULL) && S_ISREG (st.st_mode) && st.st_size > 0)
          {
            *ret_dir = db_dirs[d];
            *ret_file = db_files[f].file;
            *ret_backend = db_files[f].backend;
            return TRUE;
          }
      }
  return FALSE;
}

static gchar *
header_string (Header h, rpmTagVal tag)
{
  const char *value = headerGetString (h, tag);
  return value != NULL ? po_inventory_sanitize (value, -1) : NULL;
}

static PoPackage *
header_to_package (Header h)
{
  g_autoptr (PoPackage) package = g_new0 (PoPackage, 1);
  const char *version = headerGetString (h, RPMTAG_VERSION);
  const char *release = headerGetString (h, RPMTAG_RELEASE);
  g_autofree gchar *evr = NULL;

  package->kind = PO_PACKAGE_KIND_RPM;
  package->name = header_string (h, RPMTAG_NAME);
  if (package->name == NULL || version == NULL)
    return NULL;
  if (headerIsEntry (h, RPMTAG_EPOCH))
    evr = g_strdup_printf ("%" G_GUINT64_FORMAT ":%s%s%s",
                           (guint64) headerGetNumber (h, RPMTAG_EPOCH), version,
                           release != NULL ? "-" : "", release != NULL ? release : "");
  else
    evr = g_strdup_printf ("%s%s%s", version, release != NULL ? "-" : "",
                           release != NULL ? release : "");
  package->version = po_inventory_sanitize (evr, -1);
  package->architecture = header_string (h, RPMTAG_ARCH);
  package->maintainer = header_string (h, RPMTAG_VENDOR);
  package->source = header_string (h, RPMTAG_SOURCERPM);
  package->status = g_strdup ("installed");
  package->installed = TRUE;
  return g_steal_pointer (&package);
}

/* the packages of an open database */
static void
read_packages (rpmts ts, const gchar *db_dir, GPtrArray *packages, GPtrArray *warnings)
{
  rpmdbMatchIterator iterator = rpmtsInitIterator (ts, RPMDBI_PACKAGES, NULL, 0);
  Header h;
  guint n = 0;

  while (iterator != NULL && (h = rpmdbNextIterator (iterator)) != NULL)
    {
      PoPackage *package;
      if (++n > MAX_RPM_PACKAGES)
        {
          po_inventory_warn (warnings, "rpm", db_dir, FALSE,
                             "more than %u packages; the rest are ignored", MAX_RPM_PACKAGES);
          break;
        }
      package = header_to_package (h);
      if (package == NULL)
        {
          po_inventory_warn (warnings, "rpm", db_dir, FALSE,
                             "a header without name or version (record %u)",
                             rpmdbGetIteratorOffset (iterator));
          continue;
        }
      /* imported signing keys are stored as packages; they are not software */
      if (g_strcmp0 (package->name, "gpg-pubkey") == 0)
        {
          po_package_free (package);
          continue;
        }
      g_ptr_array_add (packages, package);
    }
  rpmdbFreeIterator (iterator);
}

/* opens the database whose directory is dirfd (resolved beneath the root) and reads it */
static void
read_database (PoInventory *inventory, int dirfd, const gchar *db_dir, const gchar *db_file,
               const gchar *backend, GPtrArray *packages, GPtrArray *warnings)
{
  PoRpmFailures *failures = po_rpm_failures_get (inventory);
  g_autofree gchar *db_path = g_build_filename (db_dir, db_file, NULL);
  g_autofree gchar *dbpath_macro = g_strdup_printf ("/proc/self/fd/%d", dirfd);
  g_autofree gchar *failed = NULL;
  struct stat st;
  rpmts ts;
  int rc;

  /* what librpm will open, as it is now: a regular file, not a link */
  if (fstatat (dirfd, db_file, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG (st.st_mode))
    {
      po_inventory_warn (warnings, "rpm", db_path, FALSE, "not a regular file");
      return;
    }
  failed = po_rpm_failures_lookup (failures, db_path, &st);
  if (failed != NULL)
    {
      po_inventory_warn (warnings, "rpm", db_dir, FALSE, "%s", failed);
      return;
    }

  if (!rpm_configured)
    {
      /* reads /usr/lib/rpm/rpmrc and the macro files; expands nothing */
      if (rpmReadConfigFiles (NULL, NULL) != 0)
        {
          po_inventory_warn (warnings, "rpm", NULL, FALSE, "cannot read rpm's configuration");
          return;
        }
      rpmlogSetCallback (rpmlog_to_glib, NULL);
      rpm_configured = TRUE;
    }
  rpmPushMacro (NULL, "_dbpath", NULL, dbpath_macro, RMIL_CMDLINE);
  rpmPushMacro (NULL, "_db_backend", NULL, backend, RMIL_CMDLINE);

  ts = rpmtsCreate ();
  /* %_dbpath is already the directory beneath the root */
  rpmtsSetRootDir (ts, "/");
  rpmtsSetVSFlags (ts, RPMVSF_MASK_NOSIGNATURES | RPMVSF_MASK_NODIGESTS);
  po_inventory_count (inventory, "collector.rpm.open");
  rc = rpmtsOpenDB (ts, O_RDONLY);
  if (rc != 0)
    {
      g_autofree gchar *message = g_strdup_printf (
        "cannot open the %s rpm database read-only (librpm error %d)", backend, rc);
      po_inventory_warn (warnings, "rpm", db_dir, FALSE, "%s", message);
      po_rpm_failures_remember (failures, db_path, &st, message);
    }
  else
    {
      po_rpm_failures_forget (failures, db_path);
      read_packages (ts, db_dir, packages, warnings);
      rpmtsCloseDB (ts);
    }
  rpmtsFree (ts);
  rpmPopMacro (NULL, "_db_backend");
  rpmPopMacro (NULL, "_dbpath");
}

static gint
compare_packages (gconstpointer a, gconstpointer b)
{
  const PoPackage *pa = *(PoPackage *const *) a;
  const PoPackage *pb = *(PoPackage *const *) b;
  int c = strcmp (pa->name, pb->name);
  return c != 0 ? c : g_strcmp0 (pa->version, pb->version);
}

GPtrArray *
po_inventory_collect_rpm (PoInventory *inventory, GPtrArray *warnings)
{
  PoRoot *root = po_inventory_get_root (inventory);
  g_autoptr (GPtrArray) packages = g_ptr_array_new_with_free_func (
    (GDestroyNotify) po_package_free);
  g_autoptr (GError) error = NULL;
  const gchar *db_dir = NULL;
  const gchar *db_file = NULL;
  const gchar *backend = NULL;
  int dirfd;

  po_inventory_count (inventory, "collector.rpm");
  if (!find_database (root, &db_dir, &db_file, &backend))
    {
      po_inventory_warn (warnings, "rpm", "/var/lib/rpm", TRUE, "no rpm database");
      return g_steal_pointer (&packages);
    }
  dirfd = po_root_open_directory (root, db_dir, &error);
  if (dirfd < 0)
    {
      po_inventory_warn (warnings, "rpm", db_dir, po_inventory_error_is_missing (error), "%s",
                         error->message);
      return g_steal_pointer (&packages);
    }
  g_mutex_lock (&rpm_lock);
  read_database (inventory, dirfd, db_dir, db_file, backend, packages, warnings);
  g_mutex_unlock (&rpm_lock);
  close (dirfd);
  g_ptr_array_sort (packages, compare_packages);
  return g_steal_pointer (&packages);
}
