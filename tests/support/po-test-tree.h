/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Removing a test's temporary tree, in C so that the fuzz harness
 * (tests/fuzz/po-fuzz.c) and the GoogleTest suites share it.
 */
#include <glib.h>

G_BEGIN_DECLS

/*
 * Removes everything beneath path, and path itself unless keep_top,
 * without ever following a symlink: nftw(FTW_PHYS) lists a link as a link
 * and unlinks it, so a link to /etc planted in a fixture never leads the
 * removal out of the tree; FTW_MOUNT stays on path's file system.
 * Directories a test made unreadable or unwritable are opened up (chmod
 * 0700: real directories inside the tree, FTW_PHYS) before the removal.
 * Returns how many entries could not be removed (one already gone, ENOENT,
 * is not counted); *ret_first_failure (may be NULL) then says which and why.
 */
guint po_test_remove_tree (const gchar *path, gboolean keep_top, gchar **ret_first_failure);

G_END_DECLS
