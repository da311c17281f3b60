/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Debian packages, from dpkg's own database: /var/lib/dpkg/status, a file
 * of deb822 stanzas ("Field: value" lines, continuation lines starting with
 * a space, stanzas separated by blank lines), plus the journal of updates
 * dpkg has not merged yet (/var/lib/dpkg/updates/NNNN, same format; a later
 * entry for the same package wins), which is what dpkg-query does too.
 *
 * Parsed here rather than with libdpkg (not in Debian as a library) or
 * dpkg-query (nothing is executed).
 */
#include "po-inventory-private.h"

#include <dirent.h>
#include <string.h>

#include "po-error.h"

#define DPKG_STATUS      "/var/lib/dpkg/status"
#define DPKG_UPDATES     "/var/lib/dpkg/updates"
#define MAX_STATUS_BYTES (256u * 1024 * 1024)
#define MAX_UPDATE_BYTES (16u * 1024 * 1024)
#define MAX_UPDATE_FILES 10000
#define MAX_FIELD_BYTES  (64u * 1024) /* one field's value; longer is garbage */

const gchar *
po_package_kind_to_string (PoPackageKind kind)
{
  switch (kind)
    {
    case PO_PACKAGE_KIND_DEB:
      return "deb";
    case PO_PACKAGE_KIND_RPM:
      return "rpm";
    case PO_PACKAGE_KIND_SNAP:
      return "snap";
    case PO_PACKAGE_KIND_FLATPAK:
      return "flatpak";
    default:
      return "unknown";
    }
}

void
po_package_free (PoPackage *package)
{
  if (package == NULL)
    return;
  g_free (package->name);
  g_free (package->version);
  g_free (package->architecture);
  g_free (package->maintainer);
  g_free (package->source);
  g_free (package->status);
  g_free (package->path);
  g_free (package->branch);
  g_free (package);
}

/*
 * The fields we keep from one stanza, as raw (unsanitised) text, in
 * buffers the parser reuses from stanza to stanza: a package becomes
 * objects only when it is kept (po_inventory_collect_deb_filtered()), so
 * the thousands of packages no indicator names cost no allocation.
 */
enum {
  FIELD_PACKAGE,
  FIELD_STATUS,
  FIELD_VERSION,
  FIELD_ARCHITECTURE,
  FIELD_MAINTAINER,
  FIELD_SOURCE,
  N_FIELDS
};

typedef struct {
  GString *value[N_FIELDS];
  gboolean set[N_FIELDS];
  guint first_line;
  const gchar *problem; /* why the stanza cannot be used (static), NULL if it can */
  guint problem_line;
  gboolean truncated; /* the file ended inside this stanza */
} Stanza;

/* one parse: a file (or several: the status file, then each journal file) */
typedef struct {
  GPtrArray *packages;
  GHashTable *index;
  GPtrArray *warnings;
  PoPackageNameFunc wanted;
  gpointer user_data;
  const gchar *host_path;
  Stanza stanza;
  GString *first_problem;
  GString *pending; /* a line split between two pieces of the file */
  guint line_no;
  guint n_skipped;
  gint continued; /* the kept field continuation lines belong to, or -1 */
  gboolean in_field;
} PoDpkgParser;

static void
stanza_clear (Stanza *stanza)
{
  for (guint i = 0; i < N_FIELDS; i++)
    stanza->set[i] = FALSE;
  stanza->problem = NULL;
  stanza->first_line = 0;
  stanza->truncated = FALSE;
}

static void
stanza_fail (Stanza *stanza, guint line, const gchar *reason)
{
  if (stanza->problem == NULL)
    {
      stanza->problem = reason;
      stanza->problem_line = line;
    }
}

/*
 * dpkg's package states (dpkg(1) "Package states"); the first three leave
 * the package's files installed and configured
 */
static gboolean
dpkg_state_is_known (const gchar *state, gboolean *ret_installed)
{
  static const gchar *const installed_states[] = { "installed", "triggers-pending",
                                                   "triggers-awaited", NULL };
  static const gchar *const other_states[] = { "not-installed", "config-files",    "half-installed",
                                               "unpacked",      "half-configured", NULL };
  if (g_strv_contains (installed_states, state))
    {
      *ret_installed = TRUE;
      return TRUE;
    }
  if (g_strv_contains (other_states, state))
    {
      *ret_installed = FALSE;
      return TRUE;
    }
  return FALSE;
}

static gboolean
is_package_name (const gchar *name)
{
  /* Debian policy 5.6.1: [a-z0-9][a-z0-9+.-]+; accept upper case as dpkg does */
  if (!g_ascii_isalnum (name[0]) || name[1] == '\0' || strlen (name) > 256)
    return FALSE;
  for (const gchar *p = name; *p != '\0'; p++)
    if (!(g_ascii_isalnum (*p) || *p == '+' || *p == '-' || *p == '.'))
      return FALSE;
  return TRUE;
}

/* a stanza's field as a row value: copied as it is when it is printable
 * ASCII (nearly always), else sanitised */
static gchar *
sanitize_copy (const gchar *value, gsize length)
{
  for (gsize i = 0; i < length; i++)
    if ((guchar) value[i] < 0x20 || (guchar) value[i] >= 0x7f)
      return po_inventory_sanitize (value, (gssize) length);
  return g_strndup (value, length);
}

static const gchar *
field (Stanza *stanza, guint i)
{
  return stanza->set[i] ? stanza->value[i]->str : NULL;
}

/*
 * judges a finished stanza without copying anything: NULL and whether the
 * package is installed, or the reason it cannot be used (*ret_at_line: the
 * line the reason is about, 0 for the stanza as a whole)
 */
static const gchar *
stanza_check (Stanza *stanza, gboolean *ret_installed, guint *ret_at_line)
{
  const gchar *state = NULL;
  guint n_separators = 0;

  *ret_at_line = 0;
  if (stanza->truncated)
    return "the file ends inside it (truncated)";
  if (stanza->problem != NULL)
    {
      *ret_at_line = stanza->problem_line;
      return stanza->problem;
    }
  if (!stanza->set[FIELD_PACKAGE])
    return "no Package field";
  if (!is_package_name (field (stanza, FIELD_PACKAGE)))
    return "Package is not a package name";
  if (!stanza->set[FIELD_STATUS])
    return "no Status field";
  /* "want flag state", three words split at each space or tab (so two
   * separators in a row make an empty word, and a fourth word) */
  for (gchar *p = stanza->value[FIELD_STATUS]->str; *p != '\0'; p++)
    if (*p == ' ' || *p == '\t')
      {
        if (++n_separators == 2)
          state = p + 1;
        *p = ' ';
      }
  if (n_separators != 2 || !dpkg_state_is_known (state, ret_installed))
    return "Status is not \"want flag state\"";
  /* every state but not-installed has a version (dpkg refuses to write one
   * without); a missing one means the stanza is damaged */
  if (!stanza->set[FIELD_VERSION] && strcmp (state, "not-installed") != 0)
    return "no Version field";
  return NULL;
}

/* the package of a stanza stanza_check() accepted */
static PoPackage *
stanza_to_package (Stanza *stanza, gboolean installed)
{
  PoPackage *package = g_new0 (PoPackage, 1);
  GString *value;

  package->kind = PO_PACKAGE_KIND_DEB;
  package->name = g_strndup (stanza->value[FIELD_PACKAGE]->str, stanza->value[FIELD_PACKAGE]->len);
  for (guint i = FIELD_VERSION; i <= FIELD_MAINTAINER; i++)
    {
      gchar **slot = i == FIELD_VERSION        ? &package->version
                     : i == FIELD_ARCHITECTURE ? &package->architecture
                                               : &package->maintainer;
      if (stanza->set[i])
        *slot = sanitize_copy (stanza->value[i]->str, stanza->value[i]->len);
    }
  if (stanza->set[FIELD_SOURCE])
    {
      /* "Source: name (version)" when the versions differ */
      gchar *paren;
      value = stanza->value[FIELD_SOURCE];
      paren = strchr (value->str, '(');
      if (paren != NULL)
        g_string_truncate (value, (gsize) (paren - value->str));
      g_strstrip (value->str);
      package->source = sanitize_copy (value->str, strlen (value->str));
    }
  else
    package->source = g_strdup (package->name);
  /* only the state word is checked; the want and flag words are bytes (tabs
   * between them became spaces in stanza_check()) */
  value = stanza->value[FIELD_STATUS];
  package->status = sanitize_copy (value->str, value->len);
  package->installed = installed;
  return package;
}

static void
parser_keep (PoDpkgParser *parser, PoPackage *package)
{
  g_autofree gchar *key = g_strconcat (package->name, ":",
                                       package->architecture != NULL ? package->architecture : "",
                                       NULL);
  gpointer slot;

  if (g_hash_table_lookup_extended (parser->index, key, NULL, &slot))
    {
      /* a later entry (the updates journal) replaces the earlier one */
      guint i = GPOINTER_TO_UINT (slot);
      po_package_free (parser->packages->pdata[i]);
      parser->packages->pdata[i] = package;
    }
  else
    {
      g_hash_table_insert (parser->index, g_steal_pointer (&key),
                           GUINT_TO_POINTER (parser->packages->len));
      g_ptr_array_add (parser->packages, package);
    }
}

static void
stanza_finish (PoDpkgParser *parser)
{
  Stanza *stanza = &parser->stanza;
  const gchar *reason;
  gboolean installed = FALSE;
  gboolean empty = stanza->problem == NULL;
  guint at_line;

  for (guint i = 0; i < N_FIELDS && empty; i++)
    empty = !stanza->set[i];
  if (stanza->first_line == 0 || (empty && !stanza->truncated))
    {
      stanza_clear (stanza);
      return;
    }
  reason = stanza_check (stanza, &installed, &at_line);
  if (reason != NULL)
    {
      parser->n_skipped++;
      if (parser->first_problem->len == 0)
        {
          const gchar *raw = field (stanza, FIELD_PACKAGE);
          g_autofree gchar *name = raw != NULL ? po_inventory_sanitize (raw, -1) : NULL;
          g_autofree gchar *why = at_line > 0 ? g_strdup_printf ("line %u: %s", at_line, reason)
                                              : g_strdup (reason);
          g_string_printf (parser->first_problem, "stanza at line %u (%s%s): %s",
                           stanza->first_line, name != NULL ? "Package " : "no name",
                           name != NULL ? name : "", why);
        }
    }
  else if (parser->wanted == NULL
           || parser->wanted (field (stanza, FIELD_PACKAGE), parser->user_data))
    parser_keep (parser, stanza_to_package (stanza, installed));
  stanza_clear (stanza);
}

/* keeps one field we care about; -1 for the others */
static gint
field_of_name (const gchar *name, gsize name_len)
{
  static const struct {
    const gchar *name;
    gsize length;
  } fields[N_FIELDS] = {
    [FIELD_PACKAGE] = { "Package", 7 },        [FIELD_STATUS] = { "Status", 6 },
    [FIELD_VERSION] = { "Version", 7 },        [FIELD_ARCHITECTURE] = { "Architecture", 12 },
    [FIELD_MAINTAINER] = { "Maintainer", 10 }, [FIELD_SOURCE] = { "Source", 6 },
  };
  for (gint i = 0; i < N_FIELDS; i++)
    {
      gsize j = 0;
      if (fields[i].length != name_len)
        continue;
      /* ASCII letters only, so "or 0x20" is lower case, and equal only for the same letter */
      while (j < name_len && (name[j] | 0x20) == (fields[i].name[j] | 0x20))
        j++;
      if (j == name_len)
        return i;
    }
  return -1;
}

/* a NUL or a control character other than tab: binary garbage, or terminal
 * escapes nobody writes into a package database by accident */
static gboolean
line_is_text (const gchar *line, gsize length)
{
  const guint64 ones = G_GUINT64_CONSTANT (0x0101010101010101);
  const guint64 highs = G_GUINT64_CONSTANT (0x8080808080808080);
  gsize i = 0;

  /* eight bytes at a time: a word with no byte below 0x20 and none equal
   * to 0x7f is text; any other word is looked at byte by byte */
  for (; i + 8 <= length; i += 8)
    {
      guint64 word, del;
      memcpy (&word, line + i, 8);
      del = word ^ (ones * 0x7f);
      /* the classic "has a byte less than n" and "has a zero byte" tests */
      if ((((word - ones * 0x20) & ~word) | ((del - ones) & ~del)) & highs)
        for (gsize j = i; j < i + 8; j++)
          {
            guchar c = (guchar) line[j];
            if ((c < 0x20 && c != '\t') || c == 0x7f)
              return FALSE;
          }
    }
  for (; i < length; i++)
    {
      guchar c = (guchar) line[i];
      if ((c < 0x20 && c != '\t') || c == 0x7f)
        return FALSE;
    }
  return TRUE;
}

/*
 * the end of the line that starts at p (its newline, or end when there is
 * none) and whether it is text (line_is_text()), in one pass: eight bytes
 * at a time, looking at a word byte by byte only when it holds a byte
 * below 0x20 (the newline is one) or 0x7f
 */
static const gchar *
scan_line (const gchar *p, const gchar *end, gboolean *ret_is_text)
{
  const guint64 ones = G_GUINT64_CONSTANT (0x0101010101010101);
  const guint64 highs = G_GUINT64_CONSTANT (0x8080808080808080);

  *ret_is_text = TRUE;
  for (; p + 8 <= end; p += 8)
    {
      guint64 word, del;
      memcpy (&word, p, 8);
      del = word ^ (ones * 0x7f);
      if (!((((word - ones * 0x20) & ~word) | ((del - ones) & ~del)) & highs))
        continue;
      for (gsize j = 0; j < 8; j++)
        {
          guchar c = (guchar) p[j];
          if (c == '\n')
            return p + j;
          if ((c < 0x20 && c != '\t') || c == 0x7f)
            {
              const gchar *nl = memchr (p + j, '\n', (gsize) (end - p - j));
              *ret_is_text = FALSE;
              return nl != NULL ? nl : end;
            }
        }
    }
  for (; p < end; p++)
    {
      guchar c = (guchar) *p;
      if (c == '\n')
        return p;
      if ((c < 0x20 && c != '\t') || c == 0x7f)
        {
          const gchar *nl = memchr (p, '\n', (gsize) (end - p));
          *ret_is_text = FALSE;
          return nl != NULL ? nl : end;
        }
    }
  return end;
}

/* the bytes of line without the white space at either end (g_strstrip's) */
static void
strip (const gchar **text, gsize *length)
{
  while (*length > 0 && g_ascii_isspace ((*text)[0]))
    {
      (*text)++;
      (*length)--;
    }
  while (*length > 0 && g_ascii_isspace ((*text)[*length - 1]))
    (*length)--;
}

/*
 * one line (without its newline; cut: the file ended without one).  A
 * line-by-line deb822 reader that trusts nothing: every stanza is judged
 * on its own, so a burst of garbage or a cut-off end costs only the
 * stanzas it touches, and the problems are summed up in one warning per
 * file.
 */
static void
parse_line (PoDpkgParser *parser, const gchar *line, gsize line_len, gboolean is_text, gboolean cut)
{
  Stanza *stanza = &parser->stanza;
  const gchar *colon;
  const gchar *value;
  gsize value_len;
  gint slot;

  parser->line_no++;
  if (line_len == 0 || (line_len == 1 && line[0] == '\r'))
    {
      stanza_finish (parser);
      parser->continued = -1;
      parser->in_field = FALSE;
      return;
    }
  if (stanza->first_line == 0)
    stanza->first_line = parser->line_no;
  if (cut)
    stanza->truncated = TRUE;

  if (!is_text)
    {
      stanza_fail (stanza, parser->line_no, "binary data");
      parser->continued = -1;
      parser->in_field = FALSE;
      return;
    }
  if (line[0] == ' ' || line[0] == '\t')
    {
      if (!parser->in_field)
        stanza_fail (stanza, parser->line_no, "continuation line without a field");
      else if (parser->continued >= 0 && stanza->set[parser->continued])
        {
          /* only single-line fields are kept; a continued one is folded */
          GString *old = stanza->value[parser->continued];
          if (old->len + line_len > MAX_FIELD_BYTES)
            stanza_fail (stanza, parser->line_no, "field too long");
          else
            {
              value = line;
              value_len = line_len;
              strip (&value, &value_len);
              g_string_append_c (old, ' ');
              g_string_append_len (old, value, (gssize) value_len);
            }
        }
      return;
    }
  if (line[0] == '#')
    return;
  colon = memchr (line, ':', line_len);
  if (colon == NULL || colon == line)
    {
      stanza_fail (stanza, parser->line_no, "not a \"Field: value\" line");
      parser->continued = -1;
      parser->in_field = FALSE;
      return;
    }
  parser->in_field = TRUE;
  slot = field_of_name (line, (gsize) (colon - line));
  parser->continued = slot;
  if (slot < 0)
    return;
  if (stanza->set[slot])
    {
      stanza_fail (stanza, parser->line_no, "field given twice");
      parser->continued = -1;
      return;
    }
  value = colon + 1;
  value_len = line_len - (gsize) (colon + 1 - line);
  if (value_len > MAX_FIELD_BYTES)
    {
      stanza_fail (stanza, parser->line_no, "field too long");
      parser->continued = -1;
      return;
    }
  strip (&value, &value_len);
  if (value_len == 0 && slot != FIELD_MAINTAINER)
    {
      /* an empty Package/Status/Version is no value at all */
      stanza_fail (stanza, parser->line_no, "empty field");
      return;
    }
  g_string_truncate (stanza->value[slot], 0);
  g_string_append_len (stanza->value[slot], value, (gssize) value_len);
  stanza->set[slot] = TRUE;
}

static PoDpkgParser *
po_dpkg_parser_new (GPtrArray *packages, GHashTable *index, GPtrArray *warnings,
                    PoPackageNameFunc wanted, gpointer user_data)
{
  PoDpkgParser *parser = g_new0 (PoDpkgParser, 1);

  parser->packages = packages;
  parser->index = index;
  parser->warnings = warnings;
  parser->wanted = wanted;
  parser->user_data = user_data;
  for (guint i = 0; i < N_FIELDS; i++)
    parser->stanza.value[i] = g_string_sized_new (64);
  parser->first_problem = g_string_new (NULL);
  parser->pending = g_string_new (NULL);
  parser->continued = -1;
  return parser;
}

static void
po_dpkg_parser_free (PoDpkgParser *parser)
{
  if (parser == NULL)
    return;
  for (guint i = 0; i < N_FIELDS; i++)
    g_string_free (parser->stanza.value[i], TRUE);
  g_string_free (parser->first_problem, TRUE);
  g_string_free (parser->pending, TRUE);
  g_free (parser);
}

/* a new file: the line count and the problems start again */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoDpkgParser, po_dpkg_parser_free)

static void
parser_begin (PoDpkgParser *parser, const gchar *host_path)
{
  stanza_clear (&parser->stanza);
  g_string_truncate (parser->first_problem, 0);
  g_string_truncate (parser->pending, 0);
  parser->host_path = host_path;
  parser->line_no = 0;
  parser->n_skipped = 0;
  parser->continued = -1;
  parser->in_field = FALSE;
}

/* the next piece of the file: every whole line in it, the rest kept for the next piece */
static void
parser_feed (const gchar *piece, gsize length, gpointer user_data)
{
  PoDpkgParser *parser = user_data;
  const gchar *p = piece;
  const gchar *end = piece + length;

  if (parser->pending->len > 0)
    {
      const gchar *nl = memchr (p, '\n', length);
      if (nl == NULL)
        {
          g_string_append_len (parser->pending, p, (gssize) length);
          return;
        }
      g_string_append_len (parser->pending, p, nl - p);
      parse_line (parser, parser->pending->str, parser->pending->len,
                  line_is_text (parser->pending->str, parser->pending->len), FALSE);
      g_string_truncate (parser->pending, 0);
      p = nl + 1;
    }
  while (p < end)
    {
      gboolean is_text;
      const gchar *nl = scan_line (p, end, &is_text);
      if (nl == end)
        {
          g_string_append_len (parser->pending, p, end - p);
          return;
        }
      parse_line (parser, p, (gsize) (nl - p), is_text, FALSE);
      p = nl + 1;
    }
}

/* the end of the file: its last line if it had no newline, the last stanza, the warning */
static void
parser_end (PoDpkgParser *parser)
{
  if (parser->pending->len > 0)
    parse_line (parser, parser->pending->str, parser->pending->len,
                line_is_text (parser->pending->str, parser->pending->len), TRUE);
  g_string_truncate (parser->pending, 0);
  stanza_finish (parser);
  if (parser->n_skipped > 0)
    po_inventory_warn (parser->warnings, "deb", parser->host_path, FALSE,
                       "skipped %u unusable stanza%s; first: %s", parser->n_skipped,
                       parser->n_skipped == 1 ? "" : "s", parser->first_problem->str);
}

static void
po_dpkg_parser_parse (PoDpkgParser *parser, const gchar *data, gsize length, const gchar *host_path)
{
  parser_begin (parser, host_path);
  parser_feed (data, length, parser);
  parser_end (parser);
}

void
po_inventory_parse_dpkg_status (const gchar *data, gsize length, const gchar *host_path,
                                GPtrArray *packages, GHashTable *index, GPtrArray *warnings)
{
  g_autoptr (PoDpkgParser) parser = po_dpkg_parser_new (packages, index, warnings, NULL, NULL);

  po_dpkg_parser_parse (parser, data, length, host_path);
}

static gint
compare_update_names (gconstpointer a, gconstpointer b)
{
  const gchar *name_a = *(const gchar *const *) a;
  const gchar *name_b = *(const gchar *const *) b;
  gsize len_a = strlen (name_a);
  gsize len_b = strlen (name_b);

  /* numeric order: dpkg names them with leading zeros, but do not rely on it */
  if (len_a != len_b)
    return len_a < len_b ? -1 : 1;
  return strcmp (name_a, name_b);
}

static gboolean
is_digits (const gchar *name)
{
  if (*name == '\0')
    return FALSE;
  for (; *name != '\0'; name++)
    if (!g_ascii_isdigit (*name))
      return FALSE;
  return TRUE;
}

/* the journal of status changes dpkg has not yet folded into the status file */
static void
read_updates (PoRoot *root, PoDpkgParser *parser, GPtrArray *warnings)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DIR) dir = po_root_opendir (root, DPKG_UPDATES, &error);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  struct dirent *entry;
  guint n_seen = 0;

  if (dir == NULL)
    {
      if (!po_inventory_error_is_missing (error))
        po_inventory_warn (warnings, "deb", DPKG_UPDATES, FALSE, "%s", error->message);
      return;
    }
  while ((entry = readdir (dir)) != NULL)
    {
      if (++n_seen > MAX_UPDATE_FILES)
        {
          po_inventory_warn (warnings, "deb", DPKG_UPDATES, FALSE,
                             "more than %u entries; the rest are ignored", MAX_UPDATE_FILES);
          break;
        }
      if (is_digits (entry->d_name))
        g_ptr_array_add (names, g_strdup (entry->d_name));
    }
  g_ptr_array_sort (names, compare_update_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree gchar *path = g_build_filename (DPKG_UPDATES, names->pdata[i], NULL);
      g_autofree gchar *contents = NULL;
      g_autoptr (GError) read_error = NULL;
      gsize length = 0;

      /* read whole: a journal file that cannot be read entirely must replace nothing */
      if (!po_root_read_file (root, path, MAX_UPDATE_BYTES, &contents, &length, &read_error))
        {
          /* dpkg may be removing it right now */
          if (!po_inventory_error_is_missing (read_error))
            po_inventory_warn (warnings, "deb", path, FALSE, "%s", read_error->message);
          continue;
        }
      po_dpkg_parser_parse (parser, contents, length, path);
    }
}

GPtrArray *
po_inventory_collect_deb_filtered (PoInventory *inventory, PoPackageNameFunc wanted,
                                   gpointer user_data, GPtrArray *warnings)
{
  PoRoot *root = po_inventory_get_root (inventory);
  g_autoptr (GPtrArray) packages = g_ptr_array_new_with_free_func (
    (GDestroyNotify) po_package_free);
  g_autoptr (GHashTable) index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (PoDpkgParser) parser = po_dpkg_parser_new (packages, index, warnings, wanted,
                                                        user_data);
  g_autoptr (GError) error = NULL;

  po_inventory_count (inventory, "collector.deb");
  /* parsed as it is read; its warning comes at the end, once it was read whole */
  parser_begin (parser, DPKG_STATUS);
  if (!po_root_read_stream (root, DPKG_STATUS, MAX_STATUS_BYTES, parser_feed, parser, &error))
    {
      po_inventory_warn (warnings, "deb", DPKG_STATUS, po_inventory_error_is_missing (error), "%s",
                         error->message);
      /* what came of a part of the file is not the database */
      g_ptr_array_set_size (packages, 0);
      return g_steal_pointer (&packages);
    }
  parser_end (parser);
  read_updates (root, parser, warnings);
  return g_steal_pointer (&packages);
}

GPtrArray *
po_inventory_collect_deb (PoInventory *inventory, GPtrArray *warnings)
{
  return po_inventory_collect_deb_filtered (inventory, NULL, NULL, warnings);
}
