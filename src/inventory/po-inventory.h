/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>
#include <sys/types.h>
#include <sys/stat.h>

#include "po-counters.h"
#include "po-root.h"

G_BEGIN_DECLS

/*
 * The Linux endpoint inventory: what is installed and running right now.
 *
 * Each collector reads one source beneath the inventory's root (PoRoot), and
 * returns a GPtrArray of plain item structs that owns its items (free
 * function set).  Collectors never fail: a source that is absent here (no
 * rpm database on Debian) or unreadable (permissions, a 2 GiB status file,
 * garbage) yields what could be read, usually nothing, plus a
 * PoInventoryWarning appended to `warnings` (may be NULL) and logged.  An
 * entry that cannot be read completely is skipped, never returned half
 * filled.  Nothing is executed and every read is bounded.
 *
 * Every collector is reentrant and may run concurrently with the others;
 * librpm, which is not, is serialised inside the rpm collector.  Each run
 * bumps the counter "collector.<name>" (see the functions below) so tests
 * can observe which collectors a query ran.
 *
 * src/inventory/README.md lists the files each collector reads and the
 * decisions behind the fields.
 */

/* ---- the inventory of one host root ------------------------------------ */

/*
 * What the collectors read from (root) and count into (counters: the
 * runtime's), with the caches that outlive one query (module files, rpm
 * databases that failed to open).  One per runtime
 * (po_runtime_get_inventory()); thread-safe.  error is for the caches'
 * construction and is not set today.
 */
typedef struct _PoInventory PoInventory;

PoInventory *po_inventory_new (PoRoot *root, PoCounters *counters, GError **error);
PoInventory *po_inventory_ref (PoInventory *inventory);
void po_inventory_unref (PoInventory *inventory);
PoRoot *po_inventory_get_root (PoInventory *inventory);
/* bumps the counter "collector.<name>" and the like */
void po_inventory_count (PoInventory *inventory, const gchar *counter);

/* ---- warnings ------------------------------------------------------- */

typedef struct {
  gchar *collector; /* "deb", "rpm", "snap", "flatpak", "process", "systemd", "path", "kmod" */
  gchar *path;      /* the host path concerned, or NULL */
  gchar *message;   /* what went wrong, in words */
  gboolean absent;  /* TRUE: the source simply does not exist on this endpoint (no rpm
                         * database on Debian); informational, logged at debug level only */
} PoInventoryWarning;

void po_inventory_warning_free (PoInventoryWarning *warning);
/* an empty array of PoInventoryWarning* that frees its elements */
GPtrArray *po_inventory_warnings_new (void);
/* "collector: path: message", for logs and error columns */
gchar *po_inventory_warning_to_string (const PoInventoryWarning *warning);

/* ---- packages: deb, rpm, snap, flatpak ------------------------------ */

typedef enum {
  PO_PACKAGE_KIND_DEB,
  PO_PACKAGE_KIND_RPM,
  PO_PACKAGE_KIND_SNAP,
  PO_PACKAGE_KIND_FLATPAK,
} PoPackageKind;

/* "deb", "rpm", "snap", "flatpak" */
const gchar *po_package_kind_to_string (PoPackageKind kind);

typedef struct {
  PoPackageKind kind;
  gchar *name;         /* deb/rpm package, snap name, flatpak application id; never NULL */
  gchar *version;      /* deb "Version" (epoch included), rpm "[E:]V-R", snap "version",
                                 * flatpak the version from its metainfo or NULL */
  gchar *architecture; /* "amd64", "x86_64", ...; NULL when unknown */
  gchar *maintainer;   /* deb Maintainer, rpm Vendor, snap publisher, flatpak NULL */
  gchar *source;       /* deb source package (its name, or the package's own name when
                                 * there is no Source field), rpm SourceRPM; NULL for snap/flatpak */
  gchar *status;       /* deb: the Status field ("install ok installed");
                                 * rpm/snap/flatpak: "installed" */
  gboolean installed;  /* deb: the package's files are installed and configured (status
                                 * installed, triggers-pending or triggers-awaited); FALSE for
                                 * config-files, half-installed, unpacked, half-configured and
                                 * not-installed.  TRUE for rpm, snap and flatpak */
  gchar *path;         /* snap/flatpak: the install directory (host path); NULL for deb/rpm */
  gchar *branch;       /* snap: the revision ("1234"), flatpak: the branch ("stable") */
} PoPackage;

void po_package_free (PoPackage *package);

/*
 * /var/lib/dpkg/status plus pending journal entries in /var/lib/dpkg/updates/.
 * Every stanza with a Package and a Status is returned, installed or not
 * (see PoPackage.installed); stanzas without a name or status, with binary
 * garbage or cut off by a truncated file are skipped with one warning per
 * file.  A status file over 256 MiB is refused.  Counter "collector.deb".
 */
GPtrArray *po_inventory_collect_deb (PoInventory *inventory, GPtrArray *warnings);

/* whether a package of this name is wanted (name: a valid package name) */
typedef gboolean (*PoPackageNameFunc) (const gchar *name, gpointer user_data);

/*
 * po_inventory_collect_deb() returning only the packages wanted() accepts
 * (NULL: every one); the others are parsed and checked all the same (the
 * warnings are the same) but never copied out.  For a caller that looks
 * for a few names among tens of thousands of packages.
 */
GPtrArray *po_inventory_collect_deb_filtered (PoInventory *inventory, PoPackageNameFunc wanted,
                                              gpointer user_data, GPtrArray *warnings);

/*
 * The rpm database through librpm, opened read-only beneath the root
 * (/var/lib/rpm or /usr/lib/sysimage/rpm; sqlite, or Berkeley DB through
 * librpm's read-only reader).  Never takes rpm's transaction lock and never
 * creates a database: no database is an "absent" warning.  gpg-pubkey
 * pseudo-packages are left out.  Counter "collector.rpm".
 */
GPtrArray *po_inventory_collect_rpm (PoInventory *inventory, GPtrArray *warnings);

/* /snap/<name>/current/meta/snap.yaml for each installed snap: the revision
 * "current" points to, so not disabled snaps or older revisions.
 * Counter "collector.snap". */
GPtrArray *po_inventory_collect_snap (PoInventory *inventory, GPtrArray *warnings);

/* /var/lib/flatpak/app/<id>/current/active/metadata (system installation).
 * Counter "collector.flatpak". */
GPtrArray *po_inventory_collect_flatpak (PoInventory *inventory, GPtrArray *warnings);

/* ---- processes ------------------------------------------------------ */

typedef struct {
  gint pid;
  gint ppid;                  /* -1 when unknown */
  gint64 uid;                 /* real uid, -1 when unknown */
  gchar *name;                /* comm (or status Name), sanitised (see README); never NULL */
  gchar *path;                /* /proc/PID/exe target without " (deleted)"; NULL for kernel
                                  * threads and when it cannot be read (permissions) */
  gboolean deleted;           /* the executable was deleted or replaced after it started */
  gchar *cmdline;             /* arguments joined with spaces, sanitised; NULL when empty
                                  * (kernel threads, zombies) */
  gboolean cmdline_truncated; /* longer than the 128 KiB phaseout reads */
} PoProcess;

void po_process_free (PoProcess *process);

/* /proc/<pid>: at most 1,000,000 processes; a process that exits while it is
 * read is skipped silently.  Counter "collector.process". */
GPtrArray *po_inventory_collect_processes (PoInventory *inventory, GPtrArray *warnings);

/* what to read beyond the name (comm) and the executable (the exe link) */
typedef enum {
  PO_PROCESS_READ_NAME_AND_PATH = 0,
  PO_PROCESS_READ_STATUS = 1 << 0, /* ppid, uid (and the name when comm fails) */
  PO_PROCESS_READ_CMDLINE = 1 << 1,
  PO_PROCESS_READ_ALL = PO_PROCESS_READ_STATUS | PO_PROCESS_READ_CMDLINE,
} PoProcessFields;

/* the same, reading only what `fields` asks for: the rest stays unknown
 * (ppid and uid -1, cmdline NULL) */
GPtrArray *po_inventory_collect_processes_full (PoInventory *inventory, PoProcessFields fields,
                                                GPtrArray *warnings);

/*
 * Who could have started a process, for telling a vendor's daemon from a
 * user's look-alike.  The executable is stat(2)ed through /proc/PID/exe,
 * so it is the file the kernel runs even when it has since been deleted,
 * replaced or lives in another mount namespace.  The real uid comes from
 * /proc/PID/status (-1 when unknown).
 */
gboolean po_inventory_process_stat_executable (PoInventory *inventory, gint pid,
                                               struct stat *ret_stat, GError **error);
gint64 po_inventory_process_real_uid (PoInventory *inventory, gint pid);

/* ---- systemd units -------------------------------------------------- */

typedef struct {
  gchar *name;         /* "kesl.service" */
  gchar *path;         /* host path of the unit file that wins (systemd's precedence);
                            * NULL for a unit known only from systemd (transient, generated) */
  gboolean masked;     /* the unit file is a link to /dev/null */
  gchar *description;  /* Description= (from systemd when it answered, else the file) */
  gchar *exec_start;   /* the first ExecStart= command line of the file, NULL if none */
  gchar *load_state;   /* systemd's LoadState ("loaded", "not-found", ...), NULL: not asked */
  gchar *active_state; /* "active", "inactive", "failed", ...; NULL when systemd was not
                            * asked (no bus, fixture root); "inactive" for a unit file systemd
                            * has not loaded */
  gchar *sub_state;    /* "running", "dead", ...; NULL as above */
} PoUnit;

void po_unit_free (PoUnit *unit);

/*
 * Unit files in /etc/systemd/system, /run/systemd/system,
 * /usr/local/lib/systemd/system, /usr/lib/systemd/system and
 * /lib/systemd/system (first wins), and, when the root is "/" and systemd
 * runs, their states from org.freedesktop.systemd1.Manager.ListUnits on the
 * system bus (2 s timeouts).  Counter "collector.systemd".
 */
GPtrArray *po_inventory_collect_units (PoInventory *inventory, GPtrArray *warnings);

/* what to read of each unit beyond its name, its file's path and whether it
 * is masked */
typedef enum {
  PO_UNIT_READ_NAMES = 0,
  PO_UNIT_READ_CONTENTS = 1 << 0, /* the files: description and exec_start */
} PoUnitFields;

/* the same, reading the unit files only when `fields` asks for their
 * contents (description and exec_start stay NULL otherwise, unless systemd
 * says what the description is) */
GPtrArray *po_inventory_collect_units_fields (PoInventory *inventory, PoUnitFields fields,
                                              GPtrArray *warnings);

/* ---- path probes ---------------------------------------------------- */

typedef enum {
  PO_PATH_TYPE_MISSING,
  PO_PATH_TYPE_FILE,
  PO_PATH_TYPE_DIRECTORY,
  PO_PATH_TYPE_SYMLINK,
  PO_PATH_TYPE_OTHER, /* device, fifo, socket */
} PoPathType;

/* "missing", "file", "directory", "symlink", "other" */
const gchar *po_path_type_to_string (PoPathType type);

typedef struct {
  gchar *path;        /* host path */
  PoPathType type;    /* lstat(2): a symlink is reported as a symlink, never followed */
  gchar *link_target; /* for a symlink, what it points to (not resolved) */
  guint64 size;
  guint32 mode; /* st_mode */
  guint32 uid;
  guint32 gid;
  gint64 mtime; /* seconds since the epoch */
} PoPathInfo;

void po_path_info_free (PoPathInfo *info);

/*
 * lstat of one absolute host path beneath the root.  A missing path (or a
 * missing parent) is not an error: *ret_info says PO_PATH_TYPE_MISSING.
 * FALSE for a relative path (PO_ERROR_INVALID_ARGUMENT) or when the path
 * cannot be examined (permissions: a G_IO_ERROR).  Counter "collector.path".
 */
gboolean po_inventory_probe_path (PoInventory *inventory, const gchar *host_path,
                                  PoPathInfo **ret_info, GError **error);

/*
 * The paths matching an absolute pattern whose components may hold fnmatch
 * wildcards (* ? [...]; "*" matches dot files too), e.g. a "*" after
 * "/opt/kaspersky/", or "/var/opt/kaspersky/kesl-[0-9]?".  Only existing paths are returned (an
 * array of PoPathInfo*, possibly empty).  Expansion is bounded: 10,000
 * directory entries read and 1,000 matches; past that the result is cut and a
 * warning says so.  A pattern without wildcards is a plain probe (missing
 * paths are left out).  FALSE only for an invalid pattern.
 */
gboolean po_inventory_probe_pattern (PoInventory *inventory, const gchar *pattern,
                                     GPtrArray *warnings, GPtrArray **ret_infos, GError **error);

/*
 * A memo for one scan of many path patterns (po-path-memo.c): which
 * directories the patterns name are missing beneath the root, so that a
 * pattern under a missing directory is skipped before its probe.
 */
typedef struct _PoPathMemo PoPathMemo;

PoPathMemo *po_path_memo_new (PoInventory *inventory);
void po_path_memo_free (PoPathMemo *memo);
/* FALSE when a directory pattern's literal part names is missing (so
 * nothing can match); TRUE when something might */
gboolean po_path_memo_could_exist (PoPathMemo *memo, const gchar *pattern);
/*
 * The paths po_path_memo_could_exist() looks at for pattern, shortest
 * first ("/opt", "/opt/acme", "/opt/acme/bin" for /opt/acme/bin/STAR), or
 * NULL when it looks at none.  When po_path_memo_could_exist (memo, one of
 * them) is FALSE, it is FALSE for the pattern too: the patterns under one
 * missing vendor directory can be skipped on one answer.
 */
GStrv po_path_memo_checked_prefixes (const gchar *pattern);
/* is one of those prefixes there, its own shorter prefixes known to be?
 * (po_path_memo_could_exist() without looking at them again) */
gboolean po_path_memo_prefix_there (PoPathMemo *memo, const gchar *prefix);

/* ---- kernel modules ------------------------------------------------- */

typedef struct {
  gchar *name;      /* as the kernel names it: underscores, no suffix */
  gboolean loaded;  /* listed in /proc/modules */
  gboolean builtin; /* compiled into the kernel (modules.builtin) */
  gchar *path;      /* host path of the module file (.ko, .ko.xz, .ko.zst, .ko.gz);
                            * NULL for built-in modules and loaded ones with no file found */
  guint64 size;     /* bytes in memory (/proc/modules); 0 when not loaded */
  gint refcount;    /* /proc/modules; -1 when not loaded or unknown */
  gchar *used_by;   /* comma-separated modules using it ("" for none); NULL if not loaded */
  gchar *state;     /* "Live", "Loading", "Unloading"; "builtin" for built-in ones */
  gchar *taint;     /* taint flags from /proc/modules ("OE"), "" for none; NULL if not loaded */
  gchar *version;   /* modinfo fields; NULL when absent */
  gchar *srcversion;
  gchar *author; /* several author= lines are joined with ", " */
  gchar *description;
  gchar *license;
  gchar *vermagic;
  gboolean in_tree;    /* intree=Y (always TRUE for built-in modules) */
  gboolean is_signed;  /* a module signature is appended to the file */
  gchar *sig_id;       /* "PKCS#7" */
  gchar *signer;       /* the signing certificate's CN, e.g. "Debian Secure Boot CA" */
  gchar *sig_key;      /* the key id / certificate serial as hex "4D:5E:..." */
  gchar *sig_hashalgo; /* "sha256" */
  gchar *info_error;   /* why the module file could not be read (then the modinfo and
                            * signature fields above are unknown, not empty); NULL if it was
                            * read or there is no file */
} PoKernelModule;

void po_kernel_module_free (PoKernelModule *module);

/*
 * Loaded modules (/proc/modules, parsed here) and built-in ones
 * (/lib/modules/<release>/modules.builtin and modules.builtin.modinfo),
 * with the module file found through libkmod's modules.dep index and its
 * .modinfo and signature read by libkmod.  The release is
 * /proc/sys/kernel/osrelease beneath the root (uname(2) on "/").  Module
 * file information is cached per inventory by path, size and mtime, so a
 * repeated query does not re-read every .ko; each file actually read bumps
 * "collector.kmod.read".  Counter "collector.kmod".
 */
GPtrArray *po_inventory_collect_kernel_modules (PoInventory *inventory, GPtrArray *warnings);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoInventory, po_inventory_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoPackage, po_package_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoProcess, po_process_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoUnit, po_unit_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoPathInfo, po_path_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoPathMemo, po_path_memo_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoKernelModule, po_kernel_module_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoInventoryWarning, po_inventory_warning_free)

G_END_DECLS
