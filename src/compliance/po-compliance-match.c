/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The inventory matched against the catalogue: one PoFinding per thing on
 * the host and vendor/product that an indicator attributes it to.
 *
 * Each collector's items are offered to the catalogue's matcher under the
 * names the catalogue defines for them (a package name, a process name and
 * executable, a unit name, a module name, signer and author).  Of all the
 * indicators that match one item, each owner (product, or vendor for the
 * vendor-wide indicators) keeps its best (see rank below), and a product
 * match makes the same vendor's vendor-wide match redundant: "kesl" is
 * more than "something by Kaspersky".  README.md has the rules per source.
 */
#include "po-compliance-private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

void
po_finding_free (PoFinding *finding)
{
  if (finding == NULL)
    return;
  g_free (finding->indicator);
  g_free (finding->key);
  g_free (finding->name);
  g_free (finding->version);
  g_free (finding->path);
  g_free (finding);
}

/* ---- free text ---------------------------------------------------------- */

/* "Kaspersky Lab <support@kaspersky.com>" -> "Kaspersky Lab" */
static gchar *
strip_email (const gchar *text)
{
  g_autoptr(GString) out = g_string_new (NULL);
  gboolean in_angle = FALSE;

  for (const gchar *p = text; *p != '\0'; p++)
    {
      if (*p == '<')
        in_angle = TRUE;
      else if (*p == '>')
        in_angle = FALSE;
      else if (!in_angle)
        g_string_append_c (out, *p);
    }
  return g_strstrip (g_string_free (g_steal_pointer (&out), FALSE));
}

/* ---- candidates --------------------------------------------------------- */

/*
 * One way an item matched.  rank orders the ways within one owner, lower
 * first: the item's own name before names derived from it, exact names
 * before globs.
 */
typedef struct {
  PoVendor    *vendor;
  PoProduct   *product;
  gchar       *indicator;
  const gchar *confidence;
  guint        rank;
} Candidate;

static void
candidate_clear (Candidate *candidate)
{
  g_free (candidate->indicator);
}

static GArray *
candidates_new (void)
{
  GArray *candidates = g_array_new (FALSE, TRUE, sizeof (Candidate));
  g_array_set_clear_func (candidates, (GDestroyNotify) candidate_clear);
  return candidates;
}

static gboolean
owner_wanted (GHashTable *owners, PoVendor *vendor, PoProduct *product)
{
  /* owners == NULL: every vendor and product (vendor_drivers) */
  return owners == NULL || g_hash_table_contains (owners, product != NULL ? (gpointer) product
                                                                          : (gpointer) vendor);
}

/* every indicator of kind matching value, at rank (globs one lower) */
static void
add_indicator_matches (PoCatalogue *catalogue, GHashTable *owners, GArray *candidates,
                       PoIndicatorKind kind, const gchar *value, guint rank)
{
  g_autoptr(GPtrArray) matches = NULL;

  if (value == NULL || *value == '\0'
      || !po_catalogue_match (catalogue, kind, value, &matches))
    return;
  for (guint i = 0; i < matches->len; i++)
    {
      const PoIndicator *indicator = g_ptr_array_index (matches, i);
      Candidate candidate = { 0 };

      candidate.vendor = po_indicator_get_vendor (indicator);
      candidate.product = po_indicator_get_product (indicator);
      if (!owner_wanted (owners, candidate.vendor, candidate.product))
        continue;
      candidate.indicator = g_strdup_printf ("%s:%s", po_indicator_kind_to_string (kind),
                                             po_indicator_get_pattern (indicator));
      candidate.confidence = po_indicator_get_confidence (indicator);
      candidate.rank = rank + (po_indicator_is_glob (indicator) ? 1 : 0);
      g_array_append_val (candidates, candidate);
    }
}

/*
 * A signer or author that is one of a vendor's names (its name
 * or an alias, compared as free text): a vendor-wide match.  Organisation
 * names are what vendors sign and publish as, so this needs no indicator
 * per vendor; "Kaspersky Lab, Inc." and "kaspersky  lab, inc." are equal.
 */
typedef struct {
  PoVendor    *vendor;
  const gchar *name;    /* as the catalogue writes it: the name or an alias */
} VendorName;

/*
 * normalised name -> GArray of VendorName, in vendor order and with each
 * vendor once (its name before its aliases): built once per catalogue, so
 * a signer costs one lookup however many vendors the catalogue holds
 */
static gpointer
vendor_names_build (PoCatalogue *catalogue, gpointer user_data)
{
  GHashTable *index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) g_array_unref);
  GPtrArray *vendors = po_catalogue_get_vendors (catalogue);

  for (guint i = 0; i < vendors->len; i++)
    {
      PoVendor *vendor = g_ptr_array_index (vendors, i);
      const gchar *const *aliases = po_vendor_get_aliases (vendor);

      for (gint a = -1; a < 0 || aliases[a] != NULL; a++)
        {
          VendorName entry = { vendor, a < 0 ? po_vendor_get_name (vendor) : aliases[a] };
          g_autofree gchar *key = po_text_normalise (entry.name, PO_TEXT_FREE, PO_TEXT_UNICODE);
          GArray *entries = g_hash_table_lookup (index, key);
          gboolean known = FALSE;

          if (entries == NULL)
            {
              entries = g_array_new (FALSE, FALSE, sizeof (VendorName));
              g_hash_table_insert (index, g_steal_pointer (&key), entries);
            }
          for (guint e = 0; e < entries->len && !known; e++)
            known = g_array_index (entries, VendorName, e).vendor == vendor;
          if (!known)
            g_array_append_val (entries, entry);
        }
    }
  return index;
}

static void
add_vendor_name_matches (PoCatalogue *catalogue, GHashTable *owners, GArray *candidates,
                         const gchar *value, guint rank)
{
  GHashTable *index;
  GArray *entries;
  g_autofree gchar *wanted = NULL;

  if (value == NULL || *value == '\0')
    return;
  wanted = po_text_normalise (value, PO_TEXT_FREE, PO_TEXT_UNICODE);
  if (*wanted == '\0')
    return;
  index = po_catalogue_get_memo (catalogue, "compliance.vendor-names", vendor_names_build, NULL,
                                 (GDestroyNotify) g_hash_table_unref);
  entries = g_hash_table_lookup (index, wanted);
  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      const VendorName *entry = &g_array_index (entries, VendorName, i);
      Candidate candidate = { 0 };

      if (!owner_wanted (owners, entry->vendor, NULL))
        continue;
      candidate.vendor = entry->vendor;
      candidate.indicator = g_strdup_printf ("vendor-name:%s", entry->name);
      candidate.confidence = "corroborated";
      candidate.rank = rank;
      g_array_append_val (candidates, candidate);
    }
}

/* an author field: whole (without e-mail addresses), then each comma-separated name */
static void
add_author_name_matches (PoCatalogue *catalogue, GHashTable *owners, GArray *candidates,
                         const gchar *author, guint rank)
{
  g_autofree gchar *whole = NULL;
  g_auto(GStrv) parts = NULL;

  if (author == NULL)
    return;
  whole = strip_email (author);
  add_vendor_name_matches (catalogue, owners, candidates, whole, rank);
  parts = g_strsplit (whole, ",", -1);
  for (guint i = 0; parts[i] != NULL && parts[1] != NULL; i++)
    add_vendor_name_matches (catalogue, owners, candidates, g_strstrip (parts[i]), rank);
}

/*
 * The chosen matches of one item: per owner the best-ranked candidate, and
 * no vendor-wide candidate of a vendor that also has a product candidate.
 * Returns indexes into candidates, in the order owners first matched.
 */
static GArray *
resolve (GArray *candidates)
{
  GArray *chosen = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < candidates->len; i++)
    {
      Candidate *c = &g_array_index (candidates, Candidate, i);
      gboolean keep = TRUE;

      for (guint j = 0; j < candidates->len && keep; j++)
        {
          Candidate *other = &g_array_index (candidates, Candidate, j);
          if (j == i || other->vendor != c->vendor)
            continue;
          if (other->product == c->product)
            keep = other->rank > c->rank || (other->rank == c->rank && j > i);
          else if (c->product == NULL)
            keep = FALSE;
        }
      if (keep)
        g_array_append_val (chosen, i);
    }
  return chosen;
}

/* ---- findings ----------------------------------------------------------- */

static PoFinding *
finding_new (PoFindingSource source, const Candidate *candidate, const gchar *name)
{
  PoFinding *finding = g_new0 (PoFinding, 1);

  finding->source = source;
  finding->vendor = candidate->vendor;
  finding->product = candidate->product;
  finding->indicator = g_strdup (candidate->indicator);
  finding->confidence = candidate->confidence;
  finding->name = g_strdup (name);
  finding->key = g_strdup_printf ("%s:%s", po_finding_source_to_string (source), name);
  finding->pid = -1;
  return finding;
}

/* one finding per chosen candidate, each filled in by the caller's template */
static void
add_findings (GPtrArray *findings, GArray *candidates, PoFindingSource source,
              const gchar *name, const gchar *version, const gchar *path, gint64 pid)
{
  g_autoptr(GArray) chosen = resolve (candidates);

  for (guint i = 0; i < chosen->len; i++)
    {
      const Candidate *c = &g_array_index (candidates, Candidate, g_array_index (chosen, guint, i));
      PoFinding *finding = finding_new (source, c, name);
      finding->version = g_strdup (version);
      finding->path = g_strdup (path);
      finding->pid = pid;
      g_ptr_array_add (findings, finding);
    }
}

static gboolean
no_real_warnings (GPtrArray *warnings)
{
  for (guint i = 0; i < warnings->len; i++)
    if (!((PoInventoryWarning *) g_ptr_array_index (warnings, i))->absent)
      return FALSE;
  return TRUE;
}

/* ---- per source ------------------------------------------------------------ */

/* the snap a snap instance is of: "kesl_beta" (a parallel install) is "kesl" */
static gchar *
snap_name_of_instance (const gchar *instance)
{
  return g_strndup (instance, strcspn (instance, "_"));
}

/*
 * Packages by name: deb, rpm, snap (the snap name) and flatpak (the
 * application id).  A deb removed but not purged (config-files) is not
 * installed; the snap and flatpak collectors return only what is
 * installed and current (a disabled snap has no "current" link).
 */
typedef GPtrArray *(*PackageCollector) (PoRuntime *runtime, GPtrArray *warnings);

static gboolean
collect_packages (const PoCollectRequest *request, PoFindingSource source, PoIndicatorKind kind,
                  PackageCollector collector, GPtrArray *findings)
{
  g_autoptr(GPtrArray) warnings = po_inventory_warnings_new ();
  g_autoptr(GPtrArray) packages = collector (request->runtime, warnings);

  for (guint i = 0; i < packages->len; i++)
    {
      PoPackage *package = g_ptr_array_index (packages, i);
      g_autoptr(GArray) candidates = candidates_new ();
      g_autofree gchar *matched = NULL;

      if (!package->installed)
        continue;
      matched = source == PO_FINDING_SOURCE_SNAP ? snap_name_of_instance (package->name)
                                                 : g_strdup (package->name);
      add_indicator_matches (request->catalogue, request->owners, candidates, kind, matched, 0);
      add_findings (findings, candidates, source, package->name, package->version,
                    package->path, -1);
    }
  return no_real_warnings (warnings);
}

/*
 * Whether an executable could only have been put there by root or by the
 * user phaseout runs as: owned by one of them and writable by no one
 * else.  A user can copy any program to ~/kesl, but cannot make it root's.
 */
static gboolean
executable_is_trusted (PoRuntime *runtime, gint pid)
{
  g_autoptr(GError) error = NULL;
  struct stat st;

  if (!po_inventory_process_stat_executable (runtime, pid, &st, &error))
    {
      g_debug ("process %d: %s", pid, error->message);
      return FALSE;
    }
  return (st.st_uid == 0 || st.st_uid == geteuid ()) && (st.st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

/*
 * Processes, matched on the executable (its base name and its path) and
 * on the name.  Anyone can start a process under any name, so a match
 * counts only where an unprivileged user could not have made it:
 *  - an executable match, when the executable is trusted (above);
 *  - a name match alone, only when the executable cannot be read (another
 *    user's process and phaseout not root) and the process runs as root.
 * A name match next to a readable executable that does not match is a
 * look-alike (a symlink named kesl to any program gives comm "kesl").
 */
static gboolean
collect_processes (const PoCollectRequest *request, GPtrArray *findings)
{
  g_autoptr(GPtrArray) warnings = po_inventory_warnings_new ();
  /* the name and the executable are all that is matched */
  g_autoptr(GPtrArray) processes =
      po_inventory_collect_processes_full (request->runtime, PO_PROCESS_READ_NAME_AND_PATH,
                                           warnings);

  for (guint i = 0; i < processes->len; i++)
    {
      PoProcess *process = g_ptr_array_index (processes, i);
      g_autoptr(GArray) candidates = candidates_new ();

      if (process->path != NULL)
        {
          g_autofree gchar *base = g_path_get_basename (process->path);
          add_indicator_matches (request->catalogue, request->owners, candidates,
                                 PO_INDICATOR_LINUX_PROCESS, base,
                                 g_str_equal (base, process->name) ? 0 : 2);
          add_indicator_matches (request->catalogue, request->owners, candidates,
                                 PO_INDICATOR_LINUX_PATH, process->path, 4);
          if (candidates->len > 0 && !executable_is_trusted (request->runtime, process->pid))
            g_array_set_size (candidates, 0);
        }
      else
        {
          add_indicator_matches (request->catalogue, request->owners, candidates,
                                 PO_INDICATOR_LINUX_PROCESS, process->name, 0);
          if (candidates->len > 0 && po_inventory_process_real_uid (request->runtime,
                                                                    process->pid) != 0)
            g_array_set_size (candidates, 0);
        }
      add_findings (findings, candidates, PO_FINDING_SOURCE_PROCESS, process->name, NULL,
                    process->path, process->pid);
    }
  return no_real_warnings (warnings);
}

/* systemd units by name; a masked unit cannot start and is not a finding */
static gboolean
collect_units (const PoCollectRequest *request, GPtrArray *findings)
{
  g_autoptr(GPtrArray) warnings = po_inventory_warnings_new ();
  /* names are matched: the unit files need not be read */
  g_autoptr(GPtrArray) units = po_inventory_collect_units_fields (request->runtime,
                                                                  PO_UNIT_READ_NAMES, warnings);

  for (guint i = 0; i < units->len; i++)
    {
      PoUnit *unit = g_ptr_array_index (units, i);
      g_autoptr(GArray) candidates = candidates_new ();

      if (unit->masked)
        continue;
      add_indicator_matches (request->catalogue, request->owners, candidates,
                             PO_INDICATOR_SYSTEMD_UNIT, unit->name, 0);
      add_findings (findings, candidates, PO_FINDING_SOURCE_SYSTEMD_UNIT, unit->name, NULL,
                    unit->path, -1);
    }
  return no_real_warnings (warnings);
}

/* a path indicator DIR/STAR (a last component "*", no other wildcard): DIR holds something */
static gchar *
directory_of_contents_pattern (const gchar *pattern)
{
  gsize length = strlen (pattern);

  if (length < 3 || !g_str_has_suffix (pattern, "/*"))
    return NULL;
  if (strpbrk (pattern, "*?") != pattern + length - 1)
    return NULL;
  return g_strndup (pattern, length - 2);
}

typedef struct {
  gchar  *path;
  GArray *candidates;
} PathHit;

static void
path_hit_free (PathHit *hit)
{
  g_free (hit->path);
  g_array_unref (hit->candidates);
  g_free (hit);
}

static gboolean
is_same_or_beneath (const gchar *path, const gchar *ancestor)
{
  gsize length = strlen (ancestor);

  if (!g_str_has_prefix (path, ancestor))
    return FALSE;
  return path[length] == '\0' || path[length] == '/' || g_str_equal (ancestor, "/");
}

/*
 * What one scan learnt about the directories path patterns name: whether
 * each is there (TRUE: there, or not known to be missing) and, for those
 * looked into, an O_PATH descriptor resolved beneath the root.
 */
typedef struct {
  GHashTable *there;  /* directory -> gboolean */
  GHashTable *fds;    /* directory -> descriptor + 1 (0: none) */
} PathMemo;

static void
close_memo_fd (gpointer fd_plus_one)
{
  if (GPOINTER_TO_INT (fd_plus_one) > 0)
    close (GPOINTER_TO_INT (fd_plus_one) - 1);
}

static void
path_memo_init (PathMemo *memo)
{
  memo->there = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  memo->fds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, close_memo_fd);
}

static void
path_memo_clear (PathMemo *memo)
{
  g_clear_pointer (&memo->there, g_hash_table_unref);
  g_clear_pointer (&memo->fds, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PathMemo, path_memo_clear)

static int
memo_dir_fd (const PoCollectRequest *request, PathMemo *memo, const gchar *dir)
{
  gpointer known;
  int fd;

  if (g_hash_table_lookup_extended (memo->fds, dir, NULL, &known))
    return GPOINTER_TO_INT (known) - 1;
  fd = po_root_open_directory (po_runtime_get_root (request->runtime), dir, NULL);
  g_hash_table_insert (memo->fds, g_strdup (dir), GINT_TO_POINTER (MAX (fd, -1) + 1));
  return fd;
}

/* is directory `path` (whose parent is there) missing?  An lstat of its
 * name in the parent, as po_root_lstat() does it */
static gboolean
is_there (const PoCollectRequest *request, PathMemo *memo, gchar *path)
{
  gchar *slash = strrchr (path, '/');
  g_autoptr(PoPathInfo) info = NULL;
  struct stat st;
  int fd;

  *slash = '\0';
  fd = memo_dir_fd (request, memo, slash == path ? "/" : path);
  *slash = '/';
  if (fd >= 0)
    return fstatat (fd, slash + 1, &st, AT_SYMLINK_NOFOLLOW) == 0
           || (errno != ENOENT && errno != ENOTDIR);
  return !po_inventory_probe_path (request->runtime, path, &info, NULL)
         || info->type != PO_PATH_TYPE_MISSING;
}

/*
 * Can anything match pattern?  Not when one of the directories its literal
 * part names does not exist: its probe would find nothing and say nothing.
 * The memo remembers, for one scan, each directory looked at, so the
 * patterns of a catalogue with a thousand /opt/<vendor>/... indicators
 * cost one fstatat per vendor directory instead of a walk each.  Anything
 * but "missing" (a link, an error) leaves the decision to the probe itself.
 */
static gboolean
could_exist (const PoCollectRequest *request, const gchar *pattern, PathMemo *memo)
{
  g_autofree gchar *literal = g_strndup (pattern, strcspn (pattern, "*?["));
  gchar *last = strrchr (literal, '/');

  /* the directories above the last component (or above the first wildcard) */
  if (last == NULL || pattern[0] != '/' || strstr (literal, "/..") != NULL
      || strstr (literal, "//") != NULL)
    return TRUE;
  *last = '\0';
  for (gchar *slash = strchr (literal + 1, '/'); ; slash = strchr (slash + 1, '/'))
    {
      gpointer known;
      gboolean there;

      if (slash != NULL)
        *slash = '\0';
      if (literal[0] != '\0' && literal[1] != '\0')
        {
          if (g_hash_table_lookup_extended (memo->there, literal, NULL, &known))
            there = GPOINTER_TO_INT (known);
          else
            {
              there = is_there (request, memo, literal);
              g_hash_table_insert (memo->there, g_strdup (literal), GINT_TO_POINTER (there));
            }
          if (!there)
            return FALSE;
        }
      if (slash == NULL)
        return TRUE;
      *slash = '/';
    }
}

/* probes one indicator's pattern and notes each path it stands for */
static gboolean
probe_indicator (const PoCollectRequest *request, const PoIndicator *indicator,
                 GHashTable *hits_by_path, GPtrArray *hits, PathMemo *memo,
                 GPtrArray *warnings)
{
  const gchar *pattern = po_indicator_get_pattern (indicator);
  g_autofree gchar *directory = directory_of_contents_pattern (pattern);
  g_autoptr(GPtrArray) infos = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  if (!could_exist (request, pattern, memo))
    return TRUE;
  if (!po_inventory_probe_pattern (request->runtime, pattern, warnings, &infos, &error))
    {
      /* a pattern the probe cannot expand is a catalogue matter, not this host's */
      g_debug ("path indicator %s: %s", pattern, error->message);
      return TRUE;
    }
  if (directory != NULL && infos->len > 0)
    g_ptr_array_add (paths, g_steal_pointer (&directory));
  else if (directory == NULL)
    for (guint i = 0; i < infos->len; i++)
      g_ptr_array_add (paths, g_strdup (((PoPathInfo *) g_ptr_array_index (infos, i))->path));

  for (guint i = 0; i < paths->len; i++)
    {
      const gchar *path = g_ptr_array_index (paths, i);
      PathHit *hit = g_hash_table_lookup (hits_by_path, path);
      Candidate candidate = { 0 };

      if (hit == NULL)
        {
          hit = g_new0 (PathHit, 1);
          hit->path = g_strdup (path);
          hit->candidates = candidates_new ();
          g_hash_table_insert (hits_by_path, hit->path, hit);
          g_ptr_array_add (hits, hit);
        }
      candidate.vendor = po_indicator_get_vendor (indicator);
      candidate.product = po_indicator_get_product (indicator);
      candidate.indicator = g_strdup_printf ("%s:%s",
                                             po_indicator_kind_to_string (PO_INDICATOR_LINUX_PATH),
                                             pattern);
      candidate.confidence = po_indicator_get_confidence (indicator);
      candidate.rank = po_indicator_is_glob (indicator) ? 1 : 0;
      g_array_append_val (hit->candidates, candidate);
    }
  return TRUE;
}

static void
probe_indicators (const PoCollectRequest *request, GPtrArray *indicators, GHashTable *hits_by_path,
                  GPtrArray *hits, PathMemo *memo, GPtrArray *warnings)
{
  for (guint i = 0; i < indicators->len; i++)
    {
      const PoIndicator *indicator = g_ptr_array_index (indicators, i);
      if (po_indicator_get_kind (indicator) == PO_INDICATOR_LINUX_PATH
          && owner_wanted (request->owners, po_indicator_get_vendor (indicator),
                           po_indicator_get_product (indicator)))
        probe_indicator (request, indicator, hits_by_path, hits, memo, warnings);
    }
}

/*
 * Paths: every path indicator of the wanted owners is probed beneath the
 * root.  DIR/STAR (a last "*" component) reports DIR when it holds
 * anything; other patterns report each path they match.  A vendor-wide
 * path (/opt/kaspersky) is left out when a product's path lies at or
 * beneath it: the product's row says more.
 */
static gboolean
collect_paths (const PoCollectRequest *request, GPtrArray *findings)
{
  g_autoptr(GPtrArray) warnings = po_inventory_warnings_new ();
  g_autoptr(GHashTable) hits_by_path = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) hits = g_ptr_array_new_with_free_func ((GDestroyNotify) path_hit_free);
  g_autoptr(GPtrArray) path_findings = g_ptr_array_new ();
  g_auto(PathMemo) memo = { 0 };
  g_autofree gboolean *redundant = NULL;
  GPtrArray *vendors = po_catalogue_get_vendors (request->catalogue);

  path_memo_init (&memo);
  for (guint v = 0; v < vendors->len; v++)
    {
      PoVendor *vendor = g_ptr_array_index (vendors, v);
      GPtrArray *products = po_vendor_get_products (vendor);
      probe_indicators (request, po_vendor_get_indicators (vendor), hits_by_path, hits, &memo,
                        warnings);
      for (guint p = 0; p < products->len; p++)
        probe_indicators (request, po_product_get_indicators (g_ptr_array_index (products, p)),
                          hits_by_path, hits, &memo, warnings);
    }

  for (guint i = 0; i < hits->len; i++)
    {
      PathHit *hit = g_ptr_array_index (hits, i);
      g_autoptr(GArray) chosen = resolve (hit->candidates);
      for (guint c = 0; c < chosen->len; c++)
        {
          const Candidate *candidate =
              &g_array_index (hit->candidates, Candidate, g_array_index (chosen, guint, c));
          PoFinding *finding = finding_new (PO_FINDING_SOURCE_PATH, candidate, hit->path);
          finding->path = g_strdup (hit->path);
          g_ptr_array_add (path_findings, finding);
        }
    }

  /* decide every finding's fate before freeing any: they are compared with each other */
  redundant = g_new0 (gboolean, MAX (path_findings->len, 1));
  for (guint i = 0; i < path_findings->len; i++)
    {
      PoFinding *finding = g_ptr_array_index (path_findings, i);
      for (guint j = 0; j < path_findings->len && finding->product == NULL && !redundant[i]; j++)
        {
          PoFinding *other = g_ptr_array_index (path_findings, j);
          redundant[i] = other->product != NULL && other->vendor == finding->vendor
                         && is_same_or_beneath (other->path, finding->path);
        }
    }
  for (guint i = 0; i < path_findings->len; i++)
    {
      PoFinding *finding = g_ptr_array_index (path_findings, i);
      if (redundant[i])
        po_finding_free (finding);
      else
        g_ptr_array_add (findings, finding);
    }
  return no_real_warnings (warnings);
}

/* the catalogue candidates for a module: name, then signer, then author */
static void
module_candidates (PoCatalogue *catalogue, GHashTable *owners, const PoKernelModule *module,
                   GArray *candidates)
{
  add_indicator_matches (catalogue, owners, candidates, PO_INDICATOR_KERNEL_MODULE, module->name,
                         0);
  add_indicator_matches (catalogue, owners, candidates, PO_INDICATOR_KERNEL_MODULE_SIGNER,
                         module->signer, 2);
  add_vendor_name_matches (catalogue, owners, candidates, module->signer, 4);
  add_indicator_matches (catalogue, owners, candidates, PO_INDICATOR_KERNEL_MODULE_AUTHOR,
                         module->author, 6);
  add_author_name_matches (catalogue, owners, candidates, module->author, 8);
}

static gboolean
collect_modules (const PoCollectRequest *request, GPtrArray *findings)
{
  g_autoptr(GPtrArray) warnings = po_inventory_warnings_new ();
  g_autoptr(GPtrArray) modules = po_inventory_collect_kernel_modules (request->runtime, warnings);

  for (guint i = 0; i < modules->len; i++)
    {
      PoKernelModule *module = g_ptr_array_index (modules, i);
      g_autoptr(GArray) candidates = candidates_new ();

      module_candidates (request->catalogue, request->owners, module, candidates);
      add_findings (findings, candidates, PO_FINDING_SOURCE_KERNEL_MODULE, module->name,
                    module->version, module->path, -1);
    }
  return no_real_warnings (warnings);
}

/* ---- the request -------------------------------------------------------- */

static guint
sources_of (GPtrArray *indicators)
{
  guint sources = 0;

  for (guint i = 0; i < indicators->len; i++)
    sources |= po_indicator_kind_get_info (po_indicator_get_kind (g_ptr_array_index (indicators, i)))
                   ->sources;
  return sources;
}

guint
po_compliance_sources_needed (const PoCollectRequest *request)
{
  guint sources = 0;
  GPtrArray *vendors = po_catalogue_get_vendors (request->catalogue);

  for (guint v = 0; v < vendors->len; v++)
    {
      PoVendor *vendor = g_ptr_array_index (vendors, v);
      GPtrArray *products = po_vendor_get_products (vendor);

      if (g_hash_table_contains (request->owners, vendor))
        /* vendor-wide: its indicators, and its names as module signer or author */
        sources |= sources_of (po_vendor_get_indicators (vendor))
                   | (1u << PO_FINDING_SOURCE_KERNEL_MODULE);
      for (guint p = 0; p < products->len; p++)
        {
          PoProduct *product = g_ptr_array_index (products, p);
          if (g_hash_table_contains (request->owners, product))
            sources |= sources_of (po_product_get_indicators (product));
        }
    }
  return sources & request->sources;
}

void
po_compliance_collect (const PoCollectRequest *request, guint sources, GPtrArray *findings,
                       guint *ret_complete)
{
  guint complete = 0;

  for (guint s = 0; s < PO_FINDING_SOURCE_N; s++)
    {
      gboolean ok;

      if (!(sources & (1u << s)))
        continue;
      switch ((PoFindingSource) s)
        {
        case PO_FINDING_SOURCE_DEB:
          ok = collect_packages (request, s, PO_INDICATOR_DEB_PACKAGE, po_inventory_collect_deb,
                                 findings);
          break;
        case PO_FINDING_SOURCE_RPM:
          ok = collect_packages (request, s, PO_INDICATOR_RPM_PACKAGE, po_inventory_collect_rpm,
                                 findings);
          break;
        case PO_FINDING_SOURCE_SNAP:
          ok = collect_packages (request, s, PO_INDICATOR_SNAP, po_inventory_collect_snap,
                                 findings);
          break;
        case PO_FINDING_SOURCE_FLATPAK:
          ok = collect_packages (request, s, PO_INDICATOR_FLATPAK, po_inventory_collect_flatpak,
                                 findings);
          break;
        case PO_FINDING_SOURCE_PROCESS:
          ok = collect_processes (request, findings);
          break;
        case PO_FINDING_SOURCE_SYSTEMD_UNIT:
          ok = collect_units (request, findings);
          break;
        case PO_FINDING_SOURCE_PATH:
          ok = collect_paths (request, findings);
          break;
        case PO_FINDING_SOURCE_KERNEL_MODULE:
          ok = collect_modules (request, findings);
          break;
        case PO_FINDING_SOURCE_N:
          g_return_if_reached ();
        }
      if (ok)
        complete |= 1u << s;
    }
  *ret_complete = complete;
}

/* ---- kernel module attribution ------------------------------------------ */

const gchar *
po_attribution_kind_to_string (PoAttributionKind kind)
{
  switch (kind)
    {
    case PO_ATTRIBUTION_CATALOGUE: return "catalogue";
    case PO_ATTRIBUTION_SIGNER: return "signer";
    case PO_ATTRIBUTION_AUTHOR: return "author";
    case PO_ATTRIBUTION_IN_TREE: return "in_tree";
    case PO_ATTRIBUTION_NONE:
      return NULL;
    }
  return NULL;
}

void
po_attribution_clear (PoAttribution *attribution)
{
  g_clear_pointer (&attribution->vendor_name, g_free);
  g_clear_pointer (&attribution->indicator, g_free);
  memset (attribution, 0, sizeof *attribution);
}

/*
 * For vendor_drivers.  The catalogue first (it is the only attribution a
 * policy can act on), then in-tree (the code is the kernel's, whoever
 * built and signed it), then the author before the signer: on Linux a
 * third-party module is usually signed on the machine itself by a DKMS or
 * MOK key ("DKMS module signing key"), which names the machine, not the
 * vendor; the author field is the vendor's own statement.
 */
static void
attribute_module (PoCatalogue *catalogue, const PoKernelModule *module,
                  PoAttribution *ret_attribution)
{
  g_autoptr(GArray) candidates = candidates_new ();
  PoAttribution attribution = { 0 };

  module_candidates (catalogue, NULL, module, candidates);
  if (candidates->len > 0)
    {
      g_autoptr(GArray) chosen = resolve (candidates);
      const Candidate *best = NULL;
      for (guint i = 0; i < chosen->len; i++)
        {
          guint index = g_array_index (chosen, guint, i);
          const Candidate *c = &g_array_index (candidates, Candidate, index);
          if (best == NULL || (c->product != NULL && best->product == NULL)
              || ((c->product != NULL) == (best->product != NULL) && c->rank < best->rank))
            best = c;
        }
      attribution.kind = best->rank < 2 ? PO_ATTRIBUTION_CATALOGUE
                         : best->rank < 6 ? PO_ATTRIBUTION_SIGNER : PO_ATTRIBUTION_AUTHOR;
      attribution.vendor = best->vendor;
      attribution.product = best->product;
      attribution.vendor_name = g_strdup (po_vendor_get_name (best->vendor));
      attribution.indicator = g_strdup (best->indicator);
      attribution.confidence = best->confidence;
    }
  else if (module->in_tree || module->builtin)
    {
      attribution.kind = PO_ATTRIBUTION_IN_TREE;
      attribution.vendor_name = g_strdup ("Linux kernel");
    }
  else if (module->author != NULL && *module->author != '\0')
    {
      g_autofree gchar *author = strip_email (module->author);
      attribution.kind = PO_ATTRIBUTION_AUTHOR;
      attribution.vendor_name = g_strdup (*author != '\0' ? author : module->author);
    }
  else if (module->signer != NULL && *module->signer != '\0')
    {
      attribution.kind = PO_ATTRIBUTION_SIGNER;
      attribution.vendor_name = g_strdup (module->signer);
    }
  *ret_attribution = attribution;
}

/*
 * Attributions already made with this catalogue: they depend on nothing but
 * the catalogue and the module's name, signer, author and whether it is in
 * tree, and a host's few hundred modules are the same from one query to
 * the next.  Bounded: emptied when it would pass MAX_ATTRIBUTIONS.
 */
#define MAX_ATTRIBUTIONS 16384

typedef struct {
  GMutex      lock;
  GHashTable *table;  /* key (attribution_key) -> PoAttribution* */
} Attributions;

static void
attribution_free (PoAttribution *attribution)
{
  po_attribution_clear (attribution);
  g_free (attribution);
}

static gpointer
attributions_new (PoCatalogue *catalogue, gpointer user_data)
{
  Attributions *memo = g_new0 (Attributions, 1);
  g_mutex_init (&memo->lock);
  memo->table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) attribution_free);
  return memo;
}

static void
attributions_free (Attributions *memo)
{
  g_hash_table_unref (memo->table);
  g_mutex_clear (&memo->lock);
  g_free (memo);
}

static void
attribution_copy (const PoAttribution *from, PoAttribution *to)
{
  *to = *from;
  to->vendor_name = g_strdup (from->vendor_name);
  to->indicator = g_strdup (from->indicator);
}

void
po_compliance_attribute_module (PoCatalogue *catalogue, const PoKernelModule *module,
                                PoAttribution *ret_attribution)
{
  Attributions *memo = po_catalogue_get_memo (catalogue, "compliance.module-attributions",
                                              attributions_new, NULL,
                                              (GDestroyNotify) attributions_free);
  /* NUL cannot occur in these strings: \x01 keeps NULL and "" apart */
  g_autofree gchar *key = g_strconcat (module->name, "\x01", module->signer != NULL ? "=" : "",
                                       module->signer != NULL ? module->signer : "", "\x01",
                                       module->author != NULL ? "=" : "",
                                       module->author != NULL ? module->author : "",
                                       module->in_tree || module->builtin ? "\x01t" : "\x01f",
                                       NULL);
  PoAttribution *known;

  g_mutex_lock (&memo->lock);
  known = g_hash_table_lookup (memo->table, key);
  if (known != NULL)
    attribution_copy (known, ret_attribution);
  g_mutex_unlock (&memo->lock);
  if (known != NULL)
    return;

  attribute_module (catalogue, module, ret_attribution);
  known = g_new0 (PoAttribution, 1);
  attribution_copy (ret_attribution, known);
  g_mutex_lock (&memo->lock);
  if (g_hash_table_size (memo->table) >= MAX_ATTRIBUTIONS)
    g_hash_table_remove_all (memo->table);
  g_hash_table_replace (memo->table, g_steal_pointer (&key), known);
  g_mutex_unlock (&memo->lock);
}

gchar *
po_compliance_format_time (gint64 seconds)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (seconds);

  if (time == NULL)
    return NULL;
  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
}
