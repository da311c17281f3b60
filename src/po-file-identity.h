/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>
#include <sys/stat.h>
#include <sys/types.h>

G_BEGIN_DECLS

/*
 * What stat(2) says about a file, to notice that it changed.  One helper
 * for every "is this still the file I read?": the catalogue's policy files
 * and directories, the configuration file, and the inventory's caches of
 * kernel-module files, module indexes and rpm databases.
 */
typedef struct {
  gboolean exists;
  dev_t dev;
  ino_t ino;
  off_t size;
  mode_t mode;
  uid_t uid;
  gint64 mtime_ns;
  gint64 ctime_ns;
} PoFileIdentity;

void po_file_identity_from_stat (PoFileIdentity *identity, const struct stat *st);
/* stat(2) of path; a path that cannot be stat'ed has exists FALSE */
void po_file_identity_of_path (PoFileIdentity *identity, const gchar *path);

/*
 * Nothing changed: the same file (device, inode), the same contents as far
 * as stat can tell (size, mtime) and the same metadata (mode, owner,
 * ctime).  What the catalogue and the configuration are reloaded on: a
 * chmod or chown can make a file unacceptable.
 */
gboolean po_file_identity_equal (const PoFileIdentity *a, const PoFileIdentity *b);

/*
 * The same file with the same contents: device, inode, size and mtime (to
 * the nanosecond).  What caches of a file's contents are keyed on (a
 * kernel update or DKMS rebuild writes a new file or a new mtime).
 */
gboolean po_file_identity_same_contents (const PoFileIdentity *a, const PoFileIdentity *b);
/* the same, for two stats */
gboolean po_file_same_contents (const struct stat *a, const struct stat *b);

G_END_DECLS
