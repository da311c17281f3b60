/* SPDX-License-Identifier: Apache-2.0 */
#include "po-file-identity.h"

#include <string.h>

void
po_file_identity_from_stat (PoFileIdentity *identity, const struct stat *st)
{
  identity->exists = TRUE;
  identity->dev = st->st_dev;
  identity->ino = st->st_ino;
  identity->size = st->st_size;
  identity->mode = st->st_mode;
  identity->uid = st->st_uid;
  identity->mtime_ns = (gint64) st->st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000)
                       + st->st_mtim.tv_nsec;
  identity->ctime_ns = (gint64) st->st_ctim.tv_sec * G_GINT64_CONSTANT (1000000000)
                       + st->st_ctim.tv_nsec;
}

void
po_file_identity_of_path (PoFileIdentity *identity, const gchar *path)
{
  struct stat st;

  memset (identity, 0, sizeof (*identity));
  if (stat (path, &st) == 0)
    po_file_identity_from_stat (identity, &st);
}

gboolean
po_file_identity_same_contents (const PoFileIdentity *a, const PoFileIdentity *b)
{
  return a->exists == b->exists && a->dev == b->dev && a->ino == b->ino && a->size == b->size
         && a->mtime_ns == b->mtime_ns;
}

gboolean
po_file_identity_equal (const PoFileIdentity *a, const PoFileIdentity *b)
{
  return po_file_identity_same_contents (a, b) && a->mode == b->mode && a->uid == b->uid
         && a->ctime_ns == b->ctime_ns;
}

gboolean
po_file_same_contents (const struct stat *a, const struct stat *b)
{
  PoFileIdentity ia, ib;

  po_file_identity_from_stat (&ia, a);
  po_file_identity_from_stat (&ib, b);
  return po_file_identity_same_contents (&ia, &ib);
}
