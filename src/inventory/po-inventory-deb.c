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

#define DPKG_STATUS        "/var/lib/dpkg/status"
#define DPKG_UPDATES       "/var/lib/dpkg/updates"
#define MAX_STATUS_BYTES   (256u * 1024 * 1024)
#define MAX_UPDATE_BYTES   (16u * 1024 * 1024)
#define MAX_UPDATE_FILES   10000
#define MAX_FIELD_BYTES    (64u * 1024)   /* one field's value; longer is garbage */

const gchar *
po_package_kind_to_string (PoPackageKind kind)
{
  switch (kind)
    {
    case PO_PACKAGE_KIND_DEB: return "deb";
    case PO_PACKAGE_KIND_RPM: return "rpm";
    case PO_PACKAGE_KIND_SNAP: return "snap";
    case PO_PACKAGE_KIND_FLATPAK: return "flatpak";
    default: return "unknown";
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

/* the fields we keep from one stanza, as raw (unsanitised) slices */
typedef struct {
  gchar    *package;
  gchar    *status;
  gchar    *version;
  gchar    *architecture;
  gchar    *maintainer;
  gchar    *source;
  guint     first_line;
  gchar    *problem;     /* why the stanza cannot be used, NULL if it can */
  gboolean  truncated;   /* the file ended inside this stanza */
} Stanza;

static void
stanza_clear (Stanza *stanza)
{
  g_clear_pointer (&stanza->package, g_free);
  g_clear_pointer (&stanza->status, g_free);
  g_clear_pointer (&stanza->version, g_free);
  g_clear_pointer (&stanza->architecture, g_free);
  g_clear_pointer (&stanza->maintainer, g_free);
  g_clear_pointer (&stanza->source, g_free);
  g_clear_pointer (&stanza->problem, g_free);
  stanza->first_line = 0;
  stanza->truncated = FALSE;
}

static void
stanza_fail (Stanza *stanza, guint line, const gchar *reason)
{
  if (stanza->problem == NULL)
    stanza->problem = g_strdup_printf ("line %u: %s", line, reason);
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
  static const gchar *const other_states[] = { "not-installed", "config-files", "half-installed",
                                               "unpacked", "half-configured", NULL };
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

/* a stanza's field as a row value: taken as it is when it is printable
 * ASCII (nearly always), else sanitised */
static gchar *
sanitize_take (gchar **slot)
{
  g_autofree gchar *value = g_steal_pointer (slot);

  if (value == NULL)
    return NULL;
  for (const gchar *p = value; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || (guchar) *p >= 0x7f)
      return po_inventory_sanitize (value, -1);
  return g_steal_pointer (&value);
}

/* finishes a stanza: a package, or a reason why not (it takes the fields
 * it keeps out of the stanza) */
static PoPackage *
stanza_to_package (Stanza *stanza, const gchar **ret_reason)
{
  g_autoptr(PoPackage) package = NULL;
  const gchar *state = NULL;
  guint n_separators = 0;
  gboolean installed = FALSE;

  if (stanza->truncated)
    {
      *ret_reason = "the file ends inside it (truncated)";
      return NULL;
    }
  if (stanza->problem != NULL)
    {
      *ret_reason = stanza->problem;
      return NULL;
    }
  if (stanza->package == NULL)
    {
      *ret_reason = "no Package field";
      return NULL;
    }
  if (!is_package_name (stanza->package))
    {
      *ret_reason = "Package is not a package name";
      return NULL;
    }
  if (stanza->status == NULL)
    {
      *ret_reason = "no Status field";
      return NULL;
    }
  /* "want flag state", three words split at each space or tab (so two
   * separators in a row make an empty word, and a fourth word) */
  for (gchar *p = stanza->status; *p != '\0'; p++)
    if (*p == ' ' || *p == '\t')
      {
        if (++n_separators == 2)
          state = p + 1;
        *p = ' ';
      }
  if (n_separators != 2 || !dpkg_state_is_known (state, &installed))
    {
      *ret_reason = "Status is not \"want flag state\"";
      return NULL;
    }
  /* every state but not-installed has a version (dpkg refuses to write one
   * without); a missing one means the stanza is damaged */
  if (stanza->version == NULL && strcmp (state, "not-installed") != 0)
    {
      *ret_reason = "no Version field";
      return NULL;
    }

  package = g_new0 (PoPackage, 1);
  package->kind = PO_PACKAGE_KIND_DEB;
  package->name = g_steal_pointer (&stanza->package);
  package->version = sanitize_take (&stanza->version);
  package->architecture = sanitize_take (&stanza->architecture);
  package->maintainer = sanitize_take (&stanza->maintainer);
  if (stanza->source != NULL)
    {
      /* "Source: name (version)" when the versions differ */
      gchar *paren = strchr (stanza->source, '(');
      if (paren != NULL)
        *paren = '\0';
      g_strstrip (stanza->source);
      package->source = sanitize_take (&stanza->source);
    }
  else
    package->source = g_strdup (package->name);
  /* only the state word is checked; the want and flag words are bytes (tabs
   * between them became spaces above) */
  package->status = sanitize_take (&stanza->status);
  package->installed = installed;
  return g_steal_pointer (&package);
}

static void
stanza_finish (Stanza *stanza, const gchar *host_path, GPtrArray *packages, GHashTable *index,
               guint *n_skipped, GString *first_problem)
{
  g_autoptr(PoPackage) package = NULL;
  const gchar *reason = NULL;
  gboolean empty = stanza->package == NULL && stanza->status == NULL && stanza->version == NULL &&
                   stanza->problem == NULL && stanza->architecture == NULL &&
                   stanza->maintainer == NULL && stanza->source == NULL;

  if (stanza->first_line == 0 || (empty && !stanza->truncated))
    {
      stanza_clear (stanza);
      return;
    }
  package = stanza_to_package (stanza, &reason);
  if (package == NULL)
    {
      (*n_skipped)++;
      if (first_problem->len == 0)
        {
          g_autofree gchar *name = po_inventory_sanitize (stanza->package, -1);
          g_string_printf (first_problem, "stanza at line %u (%s%s): %s", stanza->first_line,
                           name != NULL ? "Package " : "no name", name != NULL ? name : "",
                           reason);
        }
    }
  else
    {
      g_autofree gchar *key = g_strconcat (package->name, ":",
                                           package->architecture != NULL
                                           ? package->architecture : "", NULL);
      gpointer slot;
      if (g_hash_table_lookup_extended (index, key, NULL, &slot))
        {
          /* a later entry (the updates journal) replaces the earlier one */
          guint i = GPOINTER_TO_UINT (slot);
          po_package_free (packages->pdata[i]);
          packages->pdata[i] = g_steal_pointer (&package);
        }
      else
        {
          g_hash_table_insert (index, g_steal_pointer (&key), GUINT_TO_POINTER (packages->len));
          g_ptr_array_add (packages, g_steal_pointer (&package));
        }
    }
  stanza_clear (stanza);
}

/* keeps one field we care about; NULL slot for the others */
static gchar **
stanza_slot (Stanza *stanza, const gchar *name, gsize name_len)
{
  static const struct { const gchar *name; gsize length; gsize offset; } fields[] = {
    { "Package", 7, G_STRUCT_OFFSET (Stanza, package) },
    { "Status", 6, G_STRUCT_OFFSET (Stanza, status) },
    { "Version", 7, G_STRUCT_OFFSET (Stanza, version) },
    { "Architecture", 12, G_STRUCT_OFFSET (Stanza, architecture) },
    { "Maintainer", 10, G_STRUCT_OFFSET (Stanza, maintainer) },
    { "Source", 6, G_STRUCT_OFFSET (Stanza, source) },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    if (fields[i].length == name_len &&
        g_ascii_strncasecmp (fields[i].name, name, name_len) == 0)
      return G_STRUCT_MEMBER_P (stanza, fields[i].offset);
  return NULL;
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
 * a line-by-line deb822 reader that trusts nothing: every stanza is judged
 * on its own, so a burst of garbage or a cut-off end costs only the stanzas
 * it touches, and the problems are summed up in one warning per file
 */
void
po_inventory_parse_dpkg_status (const gchar *data, gsize length, const gchar *host_path,
                                GPtrArray *packages, GHashTable *index, GPtrArray *warnings)
{
  Stanza stanza = { 0 };
  g_autoptr(GString) first_problem = g_string_new (NULL);
  const gchar *p = data;
  const gchar *end = data + length;
  guint line_no = 0;
  guint n_skipped = 0;
  gchar **continued = NULL;  /* the field continuation lines belong to, if kept */
  gboolean in_field = FALSE;

  while (p < end)
    {
      const gchar *nl = memchr (p, '\n', (gsize) (end - p));
      const gchar *line = p;
      gsize line_len = (nl != NULL ? (gsize) (nl - p) : (gsize) (end - p));
      gboolean last_line_cut = (nl == NULL);

      p = (nl != NULL) ? nl + 1 : end;
      line_no++;

      if (line_len == 0 || (line_len == 1 && line[0] == '\r'))
        {
          stanza_finish (&stanza, host_path, packages, index, &n_skipped, first_problem);
          continued = NULL;
          in_field = FALSE;
          continue;
        }
      if (stanza.first_line == 0)
        stanza.first_line = line_no;
      if (last_line_cut)
        stanza.truncated = TRUE;

      if (!line_is_text (line, line_len))
        {
          stanza_fail (&stanza, line_no, "binary data");
          continued = NULL;
          in_field = FALSE;
          continue;
        }
      if (line[0] == ' ' || line[0] == '\t')
        {
          if (!in_field)
            stanza_fail (&stanza, line_no, "continuation line without a field");
          else if (continued != NULL && *continued != NULL)
            {
              /* only single-line fields are kept; a continued one is folded */
              g_autofree gchar *more = g_strndup (line, line_len);
              g_autofree gchar *old = *continued;
              if (strlen (old) + line_len > MAX_FIELD_BYTES)
                stanza_fail (&stanza, line_no, "field too long");
              else
                *continued = g_strconcat (old, " ", g_strstrip (more), NULL);
              if (*continued == NULL)
                *continued = g_steal_pointer (&old);
            }
          continue;
        }
      if (line[0] == '#')
        continue;
      {
        const gchar *colon = memchr (line, ':', line_len);
        gchar **slot;
        if (colon == NULL || colon == line)
          {
            stanza_fail (&stanza, line_no, "not a \"Field: value\" line");
            continued = NULL;
            in_field = FALSE;
            continue;
          }
        in_field = TRUE;
        slot = stanza_slot (&stanza, line, (gsize) (colon - line));
        continued = slot;
        if (slot == NULL)
          continue;
        if (*slot != NULL)
          {
            stanza_fail (&stanza, line_no, "field given twice");
            continued = NULL;
            continue;
          }
        if (line_len - (gsize) (colon + 1 - line) > MAX_FIELD_BYTES)
          {
            stanza_fail (&stanza, line_no, "field too long");
            continued = NULL;
            continue;
          }
        *slot = g_strndup (colon + 1, line_len - (gsize) (colon + 1 - line));
        g_strstrip (*slot);
        if ((*slot)[0] == '\0' && slot != &stanza.maintainer)
          {
            /* an empty Package/Status/Version is no value at all */
            g_clear_pointer (slot, g_free);
            stanza_fail (&stanza, line_no, "empty field");
          }
      }
    }
  stanza_finish (&stanza, host_path, packages, index, &n_skipped, first_problem);

  if (n_skipped > 0)
    po_inventory_warn (warnings, "deb", host_path, FALSE,
                       "skipped %u unusable stanza%s; first: %s", n_skipped,
                       n_skipped == 1 ? "" : "s", first_problem->str);
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
read_updates (PoRoot *root, GPtrArray *packages, GHashTable *index, GPtrArray *warnings)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DIR) dir = po_root_opendir (root, DPKG_UPDATES, &error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
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
      g_autoptr(GError) read_error = NULL;
      gsize length = 0;

      if (!po_root_read_file (root, path, MAX_UPDATE_BYTES, &contents, &length, &read_error))
        {
          /* dpkg may be removing it right now */
          if (!po_inventory_error_is_missing (read_error))
            po_inventory_warn (warnings, "deb", path, FALSE, "%s", read_error->message);
          continue;
        }
      po_inventory_parse_dpkg_status (contents, length, path, packages, index, warnings);
    }
}

GPtrArray *
po_inventory_collect_deb (PoInventory *inventory, GPtrArray *warnings)
{
  PoRoot *root = po_inventory_get_root (inventory);
  g_autoptr(GPtrArray) packages =
      g_ptr_array_new_with_free_func ((GDestroyNotify) po_package_free);
  g_autoptr(GHashTable) index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree gchar *contents = NULL;
  gsize length = 0;

  po_inventory_count (inventory, "collector.deb");
  if (!po_root_read_file (root, DPKG_STATUS, MAX_STATUS_BYTES, &contents, &length, &error))
    {
      po_inventory_warn (warnings, "deb", DPKG_STATUS, po_inventory_error_is_missing (error),
                         "%s", error->message);
      return g_steal_pointer (&packages);
    }
  po_inventory_parse_dpkg_status (contents, length, DPKG_STATUS, packages, index, warnings);
  g_clear_pointer (&contents, g_free);
  read_updates (root, packages, index, warnings);
  return g_steal_pointer (&packages);
}
