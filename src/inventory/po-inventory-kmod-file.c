/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What libkmod is allowed to see of a kernel-module file.
 *
 * libkmod 30, as Debian builds it (with assertions), aborts the whole
 * process on some malformed ELF files instead of refusing them: a
 * section-name table index outside the section table, or a section that
 * starts at the very end of the file.  It also decompresses xz and zstd
 * files itself, choosing by the content's magic bytes (not the name), with
 * no bound on the output.  So a corrupt .ko.xz or .ko.zst (or a .ko whose
 * bytes are xz) would reach those assertions unchecked, and a small
 * compressed file could make it allocate gigabytes.
 *
 * Here a module file is decompressed first (liblzma, libzstd: the same
 * libraries libkmod uses), into a private memfd and at most
 * MAX_UNCOMPRESSED_BYTES, and the uncompressed bytes are checked.  libkmod
 * is then handed a descriptor of plain, checked ELF bytes: it finds no
 * compression magic in them, so it maps them as they are.  Anything that
 * is not ELF once decompressed (nested compression, gzip, which Debian's
 * libkmod 30 is built without, garbage) never reaches libkmod at all.
 */
#include "po-inventory-private.h"

#include "po-error.h"

#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zstd.h>

/*
 * A module decompresses to a few MiB; the largest ones seen in the wild
 * (nvidia's proprietary nvidia.ko takes 54 MiB loaded, as in the
 * /proc/modules line the tests use; its file is larger) fit with room.
 * More is a decompression bomb, not a module: refused as soon as the
 * output passes this, so it costs at most this much memory, briefly.
 */
#define MAX_UNCOMPRESSED_BYTES ((guint64) 128 * 1024 * 1024)
/* xz -9 needs 65 MiB to decode; a header asking for more is refused */
#define MAX_XZ_DECODER_MEMORY ((guint64) 96 * 1024 * 1024)
#define CHUNK_BYTES           (64 * 1024)

static const guint8 magic_xz[] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };
static const guint8 magic_zstd[] = { 0x28, 0xb5, 0x2f, 0xfd };
static const guint8 magic_gzip[] = { 0x1f, 0x8b };

/* an unsigned field of the ELF file at offset, in its byte order */
static guint64
elf_field (const guint8 *p, gsize size, gboolean msb)
{
  guint64 value = 0;

  for (gsize i = 0; i < size; i++)
    value |= (guint64) p[msb ? size - 1 - i : i] << (8 * i);
  return value;
}

/*
 * FALSE when libkmod 30 would assert on this ELF file; TRUE for anything
 * else that starts with the ELF magic (libkmod refuses the rest cleanly)
 */
static gboolean
elf_safe_for_libkmod (int fd, guint64 file_size, GError **error)
{
  guint8 header[64] = { 0 };
  g_autofree guint8 *sections = NULL;
  gboolean is_64, msb;
  guint64 shoff, shentsize, shnum, shstrndx, table_size;
  ssize_t n = pread (fd, header, sizeof header, 0);

  if (n < 6)
    return TRUE;
  if ((header[4] != 1 && header[4] != 2) || (header[5] != 1 && header[5] != 2))
    return TRUE;
  is_64 = header[4] == 2;
  msb = header[5] == 2;
  /* libkmod refuses a file no longer than its ELF header (so n covers it) */
  if (file_size <= (is_64 ? 64u : 52u) || (guint64) n < MIN (file_size, sizeof header))
    return TRUE;
  shoff = is_64 ? elf_field (header + 0x28, 8, msb) : elf_field (header + 0x20, 4, msb);
  shentsize = elf_field (header + (is_64 ? 0x3a : 0x2e), 2, msb);
  shnum = elf_field (header + (is_64 ? 0x3c : 0x30), 2, msb);
  shstrndx = elf_field (header + (is_64 ? 0x3e : 0x32), 2, msb);
  table_size = shentsize * shnum;
  /* what libkmod checks itself before it looks any further */
  if (shentsize != (is_64 ? 64u : 40u) || shoff > file_size || table_size > file_size - shoff)
    return TRUE;
  if (shstrndx == 0 || shstrndx >= shnum)
    {
      g_set_error (error, PO_ERROR, PO_ERROR_INVALID_DATA,
                   "malformed ELF file: section name table %" G_GUINT64_FORMAT
                   " of %" G_GUINT64_FORMAT " sections",
                   shstrndx, shnum);
      return FALSE;
    }
  sections = g_malloc (table_size);
  if (pread (fd, sections, table_size, (off_t) shoff) != (ssize_t) table_size)
    {
      g_set_error_literal (error, PO_ERROR, PO_ERROR_INVALID_DATA,
                           "cannot read the ELF section table");
      return FALSE;
    }
  for (guint64 i = 1; i < shnum; i++)
    {
      const guint8 *section = sections + i * shentsize;
      guint64 offset = is_64 ? elf_field (section + 0x18, 8, msb)
                             : elf_field (section + 0x10, 4, msb);
      guint64 size = is_64 ? elf_field (section + 0x20, 8, msb)
                           : elf_field (section + 0x14, 4, msb);
      if (offset == file_size && size == 0)
        {
          g_set_error (error, PO_ERROR, PO_ERROR_INVALID_DATA,
                       "malformed ELF file: section %" G_GUINT64_FORMAT
                       " starts at the end of the file",
                       i);
          return FALSE;
        }
    }
  return TRUE;
}

/* the decompressed bytes so far: a memfd and how much it holds */
typedef struct {
  int fd;
  guint64 size;
} Output;

static gboolean
output_write (Output *out, const guint8 *data, gsize length, GError **error)
{
  if (length > MAX_UNCOMPRESSED_BYTES - out->size)
    {
      g_set_error (error, PO_ERROR, PO_ERROR_TOO_LARGE,
                   "decompresses to more than %" G_GUINT64_FORMAT " bytes (refused as a "
                   "decompression bomb)",
                   MAX_UNCOMPRESSED_BYTES);
      return FALSE;
    }
  while (length > 0)
    {
      ssize_t n = write (out->fd, data, length);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = n < 0 ? errno : ENOSPC;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       "cannot hold the decompressed module: %s", g_strerror (saved));
          return FALSE;
        }
      data += n;
      length -= (gsize) n;
      out->size += (guint64) n;
    }
  return TRUE;
}

/* the next chunk of the compressed file; 0 at its end, -1 on error */
static gssize
input_read (int fd, guint8 *buffer, gsize size, GError **error)
{
  for (;;)
    {
      ssize_t n = read (fd, buffer, size);
      if (n >= 0)
        return n;
      if (errno != EINTR)
        {
          int saved = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "cannot read: %s",
                       g_strerror (saved));
          return -1;
        }
    }
}

static const gchar *
lzma_reason (lzma_ret ret)
{
  switch (ret)
    {
    case LZMA_MEM_ERROR:
      return "out of memory";
    case LZMA_MEMLIMIT_ERROR:
      return "needs more memory to decode than allowed";
    case LZMA_FORMAT_ERROR:
      return "not in the xz format";
    case LZMA_OPTIONS_ERROR:
      return "unsupported xz options";
    case LZMA_DATA_ERROR:
      return "corrupt xz data";
    case LZMA_BUF_ERROR:
      return "truncated xz data";
    default:
      return "xz decoder error";
    }
}

static gboolean
decompress_xz (int in_fd, Output *out, GError **error)
{
  lzma_stream strm = LZMA_STREAM_INIT;
  g_autofree guint8 *in = g_malloc (CHUNK_BYTES);
  g_autofree guint8 *buffer = g_malloc (CHUNK_BYTES);
  lzma_action action = LZMA_RUN;
  lzma_ret ret;
  gboolean ok = FALSE;

  /* as libkmod does: concatenated streams are one file */
  ret = lzma_stream_decoder (&strm, MAX_XZ_DECODER_MEMORY, LZMA_CONCATENATED);
  if (ret != LZMA_OK)
    {
      g_set_error (error, PO_ERROR, PO_ERROR_FAILED, "xz: %s", lzma_reason (ret));
      return FALSE;
    }
  for (;;)
    {
      if (strm.avail_in == 0 && action == LZMA_RUN)
        {
          gssize n = input_read (in_fd, in, CHUNK_BYTES, error);
          if (n < 0)
            break;
          strm.next_in = in;
          strm.avail_in = (gsize) n;
          if (n == 0)
            action = LZMA_FINISH;
        }
      strm.next_out = buffer;
      strm.avail_out = CHUNK_BYTES;
      ret = lzma_code (&strm, action);
      if (!output_write (out, buffer, CHUNK_BYTES - strm.avail_out, error))
        break;
      if (ret == LZMA_STREAM_END)
        {
          ok = TRUE;
          break;
        }
      if (ret != LZMA_OK)
        {
          g_set_error (error, PO_ERROR, PO_ERROR_INVALID_DATA, "xz: %s", lzma_reason (ret));
          break;
        }
    }
  lzma_end (&strm);
  return ok;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ZSTD_DCtx, ZSTD_freeDCtx)

/* one decoding step into buffer, written out; *ret_left is zstd's hint
 * (0: at the end of a frame), *ret_produced the bytes it gave */
static gboolean
zstd_step (ZSTD_DCtx *dctx, ZSTD_inBuffer *input, guint8 *buffer, Output *out, size_t *ret_left,
           gsize *ret_produced, GError **error)
{
  ZSTD_outBuffer output = { buffer, CHUNK_BYTES, 0 };
  size_t left = ZSTD_decompressStream (dctx, &output, input);

  if (ZSTD_isError (left))
    {
      g_set_error (error, PO_ERROR, PO_ERROR_INVALID_DATA, "zstd: %s", ZSTD_getErrorName (left));
      return FALSE;
    }
  *ret_left = left;
  *ret_produced = output.pos;
  return output_write (out, buffer, output.pos, error);
}

static gboolean
decompress_zstd (int in_fd, Output *out, GError **error)
{
  g_autoptr (ZSTD_DCtx) dctx = ZSTD_createDCtx ();
  g_autofree guint8 *in = g_malloc (CHUNK_BYTES);
  g_autofree guint8 *buffer = g_malloc (CHUNK_BYTES);
  ZSTD_inBuffer input = { in, 0, 0 };
  size_t left = 0;
  gsize produced;

  if (dctx == NULL)
    {
      g_set_error_literal (error, PO_ERROR, PO_ERROR_FAILED, "zstd: out of memory");
      return FALSE;
    }
  for (;;)
    {
      if (input.pos == input.size)
        {
          gssize n = input_read (in_fd, in, CHUNK_BYTES, error);
          if (n < 0)
            return FALSE;
          if (n == 0)
            break;
          input.size = (gsize) n;
          input.pos = 0;
        }
      /* one call may decode several frames (concatenated, as libkmod takes them) */
      if (!zstd_step (dctx, &input, buffer, out, &left, &produced, error))
        return FALSE;
    }
  /* the decoder may still hold output for input it has consumed */
  while (left != 0)
    {
      if (!zstd_step (dctx, &input, buffer, out, &left, &produced, error))
        return FALSE;
      if (produced == 0 && left != 0)
        {
          g_set_error_literal (error, PO_ERROR, PO_ERROR_INVALID_DATA, "zstd: truncated data");
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
starts_with (const guint8 *head, gsize length, const guint8 *magic, gsize magic_length)
{
  return length >= magic_length && memcmp (head, magic, magic_length) == 0;
}

/* a new descriptor of the file's bytes decompressed, or -1 and *error */
static int
decompress (int fd, gboolean xz, guint64 *ret_size, GError **error)
{
  Output out = { -1, 0 };

  out.fd = memfd_create ("phaseout-module", MFD_CLOEXEC);
  if (out.fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot hold the decompressed module: memfd_create: %s", g_strerror (saved));
      return -1;
    }
  if (lseek (fd, 0, SEEK_SET) != 0
      || !(xz ? decompress_xz (fd, &out, error) : decompress_zstd (fd, &out, error)))
    {
      if (error != NULL && *error == NULL)
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot read");
      close (out.fd);
      return -1;
    }
  *ret_size = out.size;
  return out.fd;
}

int
po_inventory_module_file_open_checked (int fd, guint64 file_size, GError **error)
{
  guint8 head[8] = { 0 };
  ssize_t n = pread (fd, head, sizeof head, 0);
  guint64 size = file_size;
  gboolean decompressed = FALSE;
  int plain;

  if (n < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "cannot read: %s",
                   g_strerror (saved));
      return -1;
    }
  if (starts_with (head, (gsize) n, magic_xz, sizeof magic_xz)
      || starts_with (head, (gsize) n, magic_zstd, sizeof magic_zstd))
    {
      gboolean xz = head[0] == magic_xz[0];
      g_autoptr (GError) local = NULL;

      plain = decompress (fd, xz, &size, &local);
      if (plain < 0)
        {
          g_set_error (error, local->domain, local->code, "%s-compressed: %s", xz ? "xz" : "zstd",
                       local->message);
          return -1;
        }
      decompressed = TRUE;
      n = pread (plain, head, sizeof head, 0);
    }
  else if (starts_with (head, (gsize) n, magic_gzip, sizeof magic_gzip))
    {
      g_set_error_literal (error, PO_ERROR, PO_ERROR_INVALID_DATA,
                           "gzip-compressed modules are not read (only xz and zstd)");
      return -1;
    }
  else
    plain = dup (fd);
  if (plain < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "dup: %s", g_strerror (saved));
      return -1;
    }
  /* libkmod would decompress whatever else has a magic it knows: only
   * ELF, checked, goes on */
  if (n < 4
      || memcmp (head,
                 "\x7f"
                 "ELF",
                 4)
           != 0)
    {
      g_set_error_literal (error, PO_ERROR, PO_ERROR_INVALID_DATA,
                           decompressed ? "not an ELF file once decompressed" : "not an ELF file");
      close (plain);
      return -1;
    }
  if (!elf_safe_for_libkmod (plain, size, error))
    {
      close (plain);
      return -1;
    }
  return plain;
}
