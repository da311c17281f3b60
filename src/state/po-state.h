/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>


G_BEGIN_DECLS

/*
 * The state database: phaseout's memory of what it found and when, so that
 * the compliance tables can say when a finding was first and last seen, when
 * it was removed, and count a grace period from first detection.
 *
 * A SQLite file (README.md in this directory has the schema and the rules):
 *   --state-db FILE, or by default PHASEOUT_DEFAULT_STATE_DIR/state.db
 *   (/var/lib/phaseout) when running as root and
 *   $XDG_STATE_HOME/phaseout/state.db otherwise.  With --root DIR (another
 *   tree than this host's) and no --state-db there is no default: the host's
 *   history must not record another tree's software, so history is off
 *   (po_settings_get_state_db() decides).
 *
 * Created 0600, WAL journal, schema versioned with PRAGMA user_version and
 * migrated forward in a transaction; every scan is recorded in one
 * BEGIN IMMEDIATE transaction with a busy timeout, so several threads and
 * processes (phaseout.ext, the phaseout command) share it without losing
 * updates.
 *
 * The database is never a reason for a query to fail: when it cannot be
 * opened, is corrupt, cannot be written or is from a newer phaseout, the functions
 * below return FALSE with the reason, which is logged with g_warning() the
 * first time (then at debug level), and the tables answer from live data
 * with their history columns NULL.  Opening is tried again on the next
 * scan, so a database that becomes usable is picked up without a restart.
 */
typedef struct _PoState PoState;

/*
 * The database at path, not opened until first used; path NULL: history
 * is off.  is_default: the default location, whose directory phaseout may
 * create.  Thread-safe.  error is for failures of the object itself and
 * is not set today: the database is opened (and fails) per scan.
 */
PoState *po_state_new (const gchar *path, gboolean is_default, GError **error);
void po_state_free (PoState *state);

/* the file in use, or NULL when history is off (--root without --state-db) */
const gchar *po_state_get_path (PoState *state);

/*
 * Opens the database if it is not open yet, so that a fleet can see a
 * broken one before any scan (phaseout_info).  TRUE when it works or
 * history is off; FALSE with the reason otherwise, reported as a scan
 * failure is: a database that cannot be opened, cannot be written
 * (immutable, a read-only mount), or whose last scan could not be recorded
 * (until one is).
 */
gboolean po_state_check (PoState *state, GError **error);

/*
 * One finding of a scan, for one policy.  The key is (policy_id, finding,
 * vendor, product): finding is "<source>:<name>" ("deb:kesl",
 * "path:/opt/kaspersky/kesl"), product NULL for a vendor-wide finding.
 * The other fields are kept as last seen.  po_state_record_scan() fills
 * first_seen and last_seen (seconds since the epoch).
 */
typedef struct {
  const gchar *policy_id;
  const gchar *finding;
  const gchar *vendor;
  const gchar *product;
  const gchar *category;
  const gchar *source;
  const gchar *name;
  const gchar *version;
  const gchar *path;
  gint64 first_seen;
  gint64 last_seen;
} PoStateFinding;

/*
 * A scan's scope for removals: the findings of these policies from these
 * sources were looked for completely, so an open finding of theirs that the
 * scan did not see is gone.
 */
typedef struct {
  const gchar *policy_id;
  const gchar *source;
} PoStateComplete;

/*
 * Records a scan at `now` (seconds since the epoch), in one transaction:
 *   - each finding is present: its open episode gets last_seen = now, or a
 *     new episode is opened with first_seen = last_seen = now;
 *   - each open episode whose (policy_id, source) is in `complete` and that
 *     is not among `findings` is closed: removed_at = now.
 * A finding seen again after its removal opens a new episode; the old one
 * keeps its removal date.  Times never run backwards within an episode (an
 * earlier --now than the last scan counts as the last scan's time).
 * Fills first_seen/last_seen of every finding.  FALSE when the database is
 * off or unusable (nothing written, nothing filled).
 */
gboolean po_state_record_scan (PoState *state, gint64 now, PoStateFinding *findings,
                               guint n_findings, const PoStateComplete *complete, guint n_complete,
                               GError **error);

/* one episode of one finding, for phaseout_history */
typedef struct {
  gchar *policy_id;
  gchar *finding;
  gchar *vendor;
  gchar *product; /* NULL: vendor-wide */
  gchar *category;
  gchar *source;
  gchar *name;
  gchar *version;
  gchar *path;
  gint64 first_seen;
  gint64 last_seen;
  gint64 removed_at; /* 0 while present */
} PoStateEpisode;

void po_state_episode_free (PoStateEpisode *episode);

/*
 * Every episode, oldest first (by first_seen, then id), optionally only of
 * the given policies (NULL: all).  *ret_episodes: PoStateEpisode*.
 */
gboolean po_state_get_episodes (PoState *state, const gchar *const *policy_ids,
                                GPtrArray **ret_episodes, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoState, po_state_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoStateEpisode, po_state_episode_free)

G_END_DECLS
