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
 * librpm opens the database by its real path (po_root_build_path), not
 * through PoRoot: under a fixture root a symlinked /var/lib/rpm could
 * lead it outside the root.  On the real root that changes nothing.
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

#define MAX_RPM_PACKAGES 1000000

static GMutex rpm_lock;
static gboolean rpm_configured;

static const gchar *const db_dirs[] = {
  "/var/lib/rpm", "/usr/lib/sysimage/rpm", "/usr/share/rpm",
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
find_database (PoRoot *root, const gchar **ret_dir, const gchar **ret_backend)
{
  for (gsize d = 0; d < G_N_ELEMENTS (db_dirs); d++)
    for (gsize f = 0; f < G_N_ELEMENTS (db_files); f++)
      {
        g_autofree gchar *path = g_build_filename (db_dirs[d], db_files[f].file, NULL);
        struct stat st;
        if (po_root_lstat (root, path, &st, NULL) && S_ISREG (st.st_mode) && st.st_size > 0)
          {
            *ret_dir = db_dirs[d];
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
  g_autoptr(PoPackage) package = g_new0 (PoPackage, 1);
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

static void
read_database (PoRoot *root, const gchar *db_dir, const gchar *backend, GPtrArray *packages,
               GPtrArray *warnings)
{
  g_autofree gchar *root_dir = po_root_build_path (root, "/");
  rpmts ts;
  rpmdbMatchIterator iterator;
  Header h;
  guint n = 0;
  int rc;

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
  rpmPushMacro (NULL, "_dbpath", NULL, db_dir, RMIL_CMDLINE);
  rpmPushMacro (NULL, "_db_backend", NULL, backend, RMIL_CMDLINE);

  ts = rpmtsCreate ();
  rpmtsSetRootDir (ts, root_dir);
  rpmtsSetVSFlags (ts, RPMVSF_MASK_NOSIGNATURES | RPMVSF_MASK_NODIGESTS);
  rc = rpmtsOpenDB (ts, O_RDONLY);
  if (rc != 0)
    po_inventory_warn (warnings, "rpm", db_dir, FALSE,
                       "cannot open the %s rpm database read-only (librpm error %d)", backend,
                       rc);
  else
    {
      iterator = rpmtsInitIterator (ts, RPMDBI_PACKAGES, NULL, 0);
      while (iterator != NULL && (h = rpmdbNextIterator (iterator)) != NULL)
        {
          PoPackage *package;
          if (++n > MAX_RPM_PACKAGES)
            {
              po_inventory_warn (warnings, "rpm", db_dir, FALSE,
                                 "more than %u packages; the rest are ignored",
                                 MAX_RPM_PACKAGES);
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
po_inventory_collect_rpm (PoRuntime *runtime, GPtrArray *warnings)
{
  PoRoot *root = po_runtime_get_root (runtime);
  g_autoptr(GPtrArray) packages =
      g_ptr_array_new_with_free_func ((GDestroyNotify) po_package_free);
  const gchar *db_dir = NULL;
  const gchar *backend = NULL;

  po_runtime_count (runtime, "collector.rpm");
  if (!find_database (root, &db_dir, &backend))
    {
      po_inventory_warn (warnings, "rpm", "/var/lib/rpm", TRUE, "no rpm database");
      return g_steal_pointer (&packages);
    }
  g_mutex_lock (&rpm_lock);
  read_database (root, db_dir, backend, packages, warnings);
  g_mutex_unlock (&rpm_lock);
  g_ptr_array_sort (packages, compare_packages);
  return g_steal_pointer (&packages);
}
