/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * How a phaseout program logs: every line names the program, and every
 * line goes to stderr.
 *
 * GLib's default writer prints a program that did not set its name as
 * "(process:PID)", and a message with its log domain ("phaseout-Message"),
 * which in osqueryd's log does not say which process spoke.  It also sends
 * debug and info lines to stdout, which for the phaseout command is the
 * command's output (a report, CSV, JSON) and must stay clean.  Call once,
 * first thing in main(): sets the program name and a writer that puts it
 * in place of the "phaseout" domain ("phaseout.ext-WARNING",
 * "phaseout.ext-Message"), then hands over to GLib's default writer (the
 * journal when stderr is the journal, G_MESSAGES_DEBUG, fatal levels).
 */
void po_log_init (const gchar *program);

G_END_DECLS
