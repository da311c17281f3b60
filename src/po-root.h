/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <dirent.h>
#include <glib.h>
#include <sys/stat.h>

G_BEGIN_DECLS

/*
 * PoRoot: the one way phaseout reads host files.
 *
 * Every host path ("/var/lib/dpkg/status", "/proc/1/cmdline", ...) is
 * resolved beneath a root directory: "/" on a real endpoint, a fixture tree
 * in tests (--root DIR).  Resolution is done by the kernel with
 * openat2(RESOLVE_IN_ROOT), so an absolute symlink or ".." inside the tree
 * can never escape it, whatever an unprivileged user plants there.
 *
 * Reads are bounded: callers say how many bytes they are prepared to take,
 * and a larger file is an error (PO_ERROR_TOO_LARGE), not a truncated read
 * presented as complete.
 *
 * Errors are G_IO_ERROR codes (from errno) whose message names the host
 * path and, under a non-/ root, the real path.
 */
typedef struct _PoRoot PoRoot;

PoRoot *po_root_new (const gchar *directory, GError **error);
PoRoot *po_root_ref (PoRoot *root);
void po_root_unref (PoRoot *root);

const gchar *po_root_get_directory (PoRoot *root);
gboolean po_root_is_host (PoRoot *root);

/* the real filesystem path, walked again by whoever opens it, so not
 * beneath the root: a library that only takes paths (libkmod, librpm) is
 * given "/proc/self/fd/N" of a descriptor opened here instead */
gchar *po_root_build_path (PoRoot *root, const gchar *host_path);

/* open(2) beneath the root; O_CLOEXEC is always added */
int po_root_open (PoRoot *root, const gchar *host_path, int flags, GError **error);

/* reads a whole file of at most max_bytes; *ret_contents is NUL-terminated */
gboolean po_root_read_file (PoRoot *root, const gchar *host_path, gsize max_bytes,
                            gchar **ret_contents, gsize *ret_length, GError **error);

/*
 * reads a file of at most max_bytes (checked as po_root_read_file() checks
 * it) in pieces, for a parser that works as it reads: consume() gets each
 * piece in order; they are only valid during the call.  On FALSE, the
 * pieces consumed so far are not the whole file: discard what came of them.
 */
typedef void (*PoRootConsume) (const gchar *piece, gsize length, gpointer user_data);

gboolean po_root_read_stream (PoRoot *root, const gchar *host_path, gsize max_bytes,
                              PoRootConsume consume, gpointer user_data, GError **error);

/* lstat(2) of the path's last component, resolved beneath the root */
gboolean po_root_lstat (PoRoot *root, const gchar *host_path, struct stat *ret_stat,
                        GError **error);

/* readlink(2) of the path's last component, e.g. /proc/PID/exe */
gboolean po_root_readlink (PoRoot *root, const gchar *host_path, gchar **ret_target,
                           GError **error);

/*
 * Several files of one directory (/proc/PID/comm, /proc/PID/exe, ...) with
 * one path walk: po_root_open_directory() resolves the directory beneath
 * the root once (an O_PATH descriptor; close it), and the *_at functions
 * take a single name in it.  The result is the same as with the whole path:
 * a name that is a symlink is resolved beneath the root as po_root_open()
 * resolves it.  dir_host_path is the directory's host path, for messages.
 */
int po_root_open_directory (PoRoot *root, const gchar *host_path, GError **error);
/* open(2) of a path relative to dirfd (several components allowed, none
 * leading out of it unless the whole path resolved beneath the root does) */
int po_root_open_at (PoRoot *root, int dirfd, const gchar *dir_host_path, const gchar *name,
                     int flags, GError **error);
gboolean po_root_read_file_at (PoRoot *root, int dirfd, const gchar *dir_host_path,
                               const gchar *name, gsize max_bytes, gchar **ret_contents,
                               gsize *ret_length, GError **error);
gboolean po_root_readlink_at (PoRoot *root, int dirfd, const gchar *dir_host_path,
                              const gchar *name, gchar **ret_target, GError **error);

/* a directory stream; close with closedir() (g_autoptr(DIR) works) */
DIR *po_root_opendir (PoRoot *root, const gchar *host_path, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoRoot, po_root_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DIR, closedir)

G_END_DECLS
