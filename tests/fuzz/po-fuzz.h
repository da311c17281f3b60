/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * What the fuzz targets share.  Each target is a plain C file defining
 * LLVMFuzzerTestOneInput() (and LLVMFuzzerInitialize()); it is linked
 * either with libFuzzer (the PHASEOUT_FUZZ build, clang) or with
 * po-fuzz-replay.c, a main() that runs it once over every file it is given
 * (the normal build, gcc: the committed corpora and regressions become
 * ctest cases, also under the sanitizer preset).
 *
 * Besides "does not crash", the targets check what phaseout promises about
 * its output: every string that reaches a row is valid UTF-8 and carries no
 * control characters (po_fuzz_check_text()).  A broken promise aborts, so
 * the fuzzer reports it like a crash.
 */
#include <glib.h>
#include <stddef.h>
#include <stdint.h>

#include "po-runtime.h"
#include "po-table.h"

G_BEGIN_DECLS

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
int LLVMFuzzerInitialize (int *argc, char ***argv);

/*
 * GLib logging for a fuzz run: messages, warnings and debug output are
 * dropped (a collector warns about every bad input, by design), criticals
 * and errors abort (a g_return_if_fail() that trips is a bug).
 */
void po_fuzz_init_logging (void);

/*
 * Splits an input into at most max_parts parts separated by
 * PO_FUZZ_SEPARATOR; missing parts are empty ("", 0).  The parts point into
 * data (not NUL-terminated).
 */
#define PO_FUZZ_SEPARATOR "\n--8<--\n"

typedef struct {
  const gchar *data;
  gsize length;
} PoFuzzPart;

guint po_fuzz_split (const uint8_t *data, size_t size, PoFuzzPart *parts, guint max_parts);

/*
 * A scratch directory for the whole fuzz process (created on first use
 * under $TMPDIR, removed at exit without following symlinks).
 */
const gchar *po_fuzz_scratch_dir (void);

/* writes (replaces) scratch/relative with the bytes, creating parents */
void po_fuzz_write_file (const gchar *relative, const void *data, gsize length);

/* removes scratch/relative if it exists (a file or a symlink, never followed) */
void po_fuzz_remove (const gchar *relative);

/* aborts unless text (may be NULL) is valid UTF-8 without control characters
 * (C0, DEL, C1); what names the field in the message */
void po_fuzz_check_text (const gchar *what, const gchar *text);

/* aborts unless text (may be NULL) is valid UTF-8 */
void po_fuzz_check_utf8 (const gchar *what, const gchar *text);

/* TRUE when $PO_FUZZ_VERBOSE is set: targets then describe what an input
 * produced (on stderr), to check that seeds reach what they are meant to */
gboolean po_fuzz_verbose (void);

/* a runtime from flag pairs ("root", DIR, ..., NULL); aborts on a bad flag */
PoRuntime *po_fuzz_runtime_new (const gchar *first_flag, ...) G_GNUC_NULL_TERMINATED;

/*
 * runs one table (NULL: every table) with an empty query, as osqueryd's
 * SELECT * would, and checks every cell is valid UTF-8; returns the rows
 */
guint po_fuzz_generate (PoRuntime *runtime, const gchar *table);

G_END_DECLS
