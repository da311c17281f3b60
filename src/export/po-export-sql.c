/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The compiler from the policy catalogue to osquery SQL over osquery's own
 * core tables (docs/export.md is the user's guide).
 *
 * A "site" below is one osquery table and what it can be asked: which
 * indicator kinds it matches, against which of its columns, normalised how.
 * For one policy and platform the compiler walks every site of the
 * platform and, for every product the policy covers (and the vendor-wide
 * indicators when it covers every category), writes one CASE arm per group
 * of exact names (an IN list) and one per glob.  The arm's label says which
 * indicator matched.  Each site becomes three nested SELECTs:
 *
 *   b: the table's columns under common names (name, version, path,
 *      signer, detail) plus the comparison keys (k_*), each normalised as
 *      the indicator kind compares: lower() where the catalogue is
 *      case-insensitive, white space folded for free text, '/' as '\' for
 *      Windows paths, '-' as '_' for kernel modules;
 *   t: b plus "matched", the CASE that names the first matching indicator
 *      (products before vendor-wide ones), or NULL;
 *   the rows of t that matched, with a signer fetched (signature,
 *   authenticode) only for them.
 *
 * and the sites are joined with UNION ALL.
 *
 * Look-alikes: where the table carries the vendor's identity, a match on
 * a name must also carry the identity, so a program merely called
 * "Kaspersky ..." by another publisher is not a finding:
 *   programs           publisher matches the vendor's windows.publisher
 *   apps               the bundle's code signature has the vendor's Team ID
 *   system_extensions  its team column is the vendor's Team ID
 *   file (drivers)     no Authenticode signer other than the vendor's or
 *                      Microsoft's (Windows signs kernel drivers too)
 * The identity on its own (publisher, Team ID) is a vendor-wide indicator,
 * so it is a finding only for policies that cover every category.
 * Linux processes follow banned_software's rule, since any user can start
 * a program under any name: the executable (base name or path) counts when
 * the file table shows it owned by root and writable by no one else, the
 * process name alone only for a root process with no readable executable.
 * Where a table carries no identity (packages, services, Windows and macOS
 * processes, units, modules, launchd, kexts) the catalogue's name is the
 * whole evidence.
 *
 * Only core SQLite is used (lower, trim, replace, substr, rtrim, char,
 * LIKE ... ESCAPE, GLOB, EXISTS), so every osqueryd runs it.  lower() and
 * LIKE fold ASCII letters only; the catalogue folds all of Unicode, so a
 * non-ASCII name differing in case only is missed here (none of the
 * built-in names has a non-ASCII letter).
 */
#include <string.h>

#include "po-export.h"

/* ---- platforms ----------------------------------------------------------- */

static const struct {
  const gchar *name;
  const gchar *title;
  const gchar *catalogue;
} platforms[PO_EXPORT_PLATFORM_N] = {
  [PO_EXPORT_PLATFORM_LINUX] = { "linux", "Linux", "linux" },
  [PO_EXPORT_PLATFORM_WINDOWS] = { "windows", "Windows", "windows" },
  [PO_EXPORT_PLATFORM_DARWIN] = { "darwin", "macOS", "macos" },
};

const gchar *
po_export_platform_to_string (PoExportPlatform platform)
{
  g_return_val_if_fail (platform < PO_EXPORT_PLATFORM_N, NULL);
  return platforms[platform].name;
}

const gchar *
po_export_platform_get_title (PoExportPlatform platform)
{
  g_return_val_if_fail (platform < PO_EXPORT_PLATFORM_N, NULL);
  return platforms[platform].title;
}

const gchar *
po_export_platform_get_catalogue_name (PoExportPlatform platform)
{
  g_return_val_if_fail (platform < PO_EXPORT_PLATFORM_N, NULL);
  return platforms[platform].catalogue;
}

gboolean
po_export_platform_parse (const gchar *text, guint *ret_mask)
{
  if (text == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (text, "all") == 0)
    {
      *ret_mask = PO_EXPORT_PLATFORMS_ALL;
      return TRUE;
    }
  for (guint i = 0; i < PO_EXPORT_PLATFORM_N; i++)
    if (g_ascii_strcasecmp (text, platforms[i].name) == 0
        || g_ascii_strcasecmp (text, platforms[i].catalogue) == 0)
      {
        *ret_mask = 1u << i;
        return TRUE;
      }
  return FALSE;
}

/* ---- literals and patterns ----------------------------------------------- */

gchar *
po_export_sql_literal (const gchar *text)
{
  GString *out = g_string_new ("'");

  for (const gchar *p = text; *p != '\0'; p++)
    {
      if (*p == '\'')
        g_string_append_c (out, '\'');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '\'');
  return g_string_free (out, FALSE);
}

gchar *
po_export_glob_to_like (const gchar *glob)
{
  GString *out = g_string_new (NULL);

  for (const gchar *p = glob; *p != '\0'; p++)
    switch (*p)
      {
      case '*':
        g_string_append_c (out, '%');
        break;
      case '?':
        g_string_append_c (out, '_');
        break;
      case '%':
      case '_':
      case '\\':
        g_string_append_c (out, '\\');
        g_string_append_c (out, *p);
        break;
      default:
        g_string_append_c (out, *p);
      }
  return g_string_free (out, FALSE);
}

gchar *
po_export_glob_to_glob (const gchar *glob)
{
  GString *out = g_string_new (NULL);

  /* the format refuses '[' and ']' in globs; bracket '[' all the same, so
   * a literal one can never open a character class */
  for (const gchar *p = glob; *p != '\0'; p++)
    if (*p == '[')
      g_string_append (out, "[[]");
    else
      g_string_append_c (out, *p);
  return g_string_free (out, FALSE);
}

/* ---- how names compare ---------------------------------------------------- */

/* the comparison rules of docs/policy-format.md ("case"), as SQL can do them */
typedef enum {
  KEY_PLAIN,    /* byte for byte (Linux names) */
  KEY_FOLD,     /* ASCII letters folded to lower case */
  KEY_TEXT,     /* free text: white space runs as one space, trimmed, folded */
  KEY_WINPATH,  /* '/' as '\', folded */
  KEY_KMOD,     /* '-' as '_' (kmod's rule), otherwise byte for byte */
} KeyRule;

static KeyRule
kind_rule (PoIndicatorKind kind)
{
  switch (kind)
    {
    case PO_INDICATOR_DEB_PACKAGE:
    case PO_INDICATOR_RPM_PACKAGE:
    case PO_INDICATOR_LINUX_PATH:
    case PO_INDICATOR_SYSTEMD_UNIT:
    case PO_INDICATOR_LINUX_PROCESS:
    case PO_INDICATOR_SNAP:
    case PO_INDICATOR_FLATPAK:
      return KEY_PLAIN;
    case PO_INDICATOR_KERNEL_MODULE:
      return KEY_KMOD;
    case PO_INDICATOR_KERNEL_MODULE_SIGNER:
    case PO_INDICATOR_KERNEL_MODULE_AUTHOR:
    case PO_INDICATOR_WINDOWS_PROGRAM:
    case PO_INDICATOR_WINDOWS_PUBLISHER:
    case PO_INDICATOR_WINDOWS_SIGNER:
      return KEY_TEXT;
    case PO_INDICATOR_WINDOWS_PATH:
      return KEY_WINPATH;
    case PO_INDICATOR_WINDOWS_SERVICE:
    case PO_INDICATOR_WINDOWS_DRIVER:
    case PO_INDICATOR_WINDOWS_PROCESS:
    case PO_INDICATOR_MACOS_TEAM_ID:
    case PO_INDICATOR_MACOS_BUNDLE_ID:
    case PO_INDICATOR_MACOS_SYSTEM_EXTENSION:
    case PO_INDICATOR_MACOS_KERNEL_EXTENSION:
    case PO_INDICATOR_MACOS_PACKAGE_RECEIPT:
    case PO_INDICATOR_MACOS_LAUNCHD_LABEL:
    case PO_INDICATOR_MACOS_APP_NAME:
    case PO_INDICATOR_MACOS_PATH:
    case PO_INDICATOR_KIND_N:
      break;
    }
  return KEY_FOLD;
}

static gboolean
rule_is_case_sensitive (KeyRule rule)
{
  return rule == KEY_PLAIN || rule == KEY_KMOD;
}

/* expr (a column or expression) normalised by rule, in SQL */
static gchar *
key_sql (KeyRule rule, const gchar *expr)
{
  switch (rule)
    {
    case KEY_PLAIN:
      return g_strdup (expr);
    case KEY_FOLD:
      return g_strdup_printf ("lower(%s)", expr);
    case KEY_TEXT:
      /* tabs and line breaks to spaces; then every run of spaces to one
       * (each space becomes \1\2, the \2\1 between two of them goes, the
       * \1\2 left is one space), trimmed, folded */
      return g_strdup_printf ("lower(trim(replace(replace(replace(replace(replace(replace(%s, "
                              "char(9), ' '), char(10), ' '), char(13), ' '), ' ', "
                              "char(1) || char(2)), char(2) || char(1), ''), "
                              "char(1) || char(2), ' ')))", expr);
    case KEY_WINPATH:
      return g_strdup_printf ("lower(replace(%s, '/', '\\'))", expr);
    case KEY_KMOD:
      return g_strdup_printf ("replace(%s, '-', '_')", expr);
    }
  g_return_val_if_reached (NULL);
}

/* a pattern as written, normalised by rule the way key_sql() treats values */
static gchar *
key_literal (KeyRule rule, const gchar *pattern)
{
  switch (rule)
    {
    case KEY_PLAIN:
      return g_strdup (pattern);
    case KEY_FOLD:
      return g_ascii_strdown (pattern, -1);
    case KEY_TEXT:
      {
        g_autoptr(GString) text = g_string_new (NULL);
        gboolean space = FALSE;

        for (const gchar *p = pattern; *p != '\0'; p++)
          {
            if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
              {
                space = TRUE;
                continue;
              }
            if (space && text->len > 0)
              g_string_append_c (text, ' ');
            space = FALSE;
            g_string_append_c (text, g_ascii_tolower (*p));
          }
        return g_string_free (g_steal_pointer (&text), FALSE);
      }
    case KEY_WINPATH:
      {
        gchar *folded = g_ascii_strdown (pattern, -1);
        return g_strdelimit (folded, "/", '\\');
      }
    case KEY_KMOD:
      {
        gchar *copy = g_strdup (pattern);
        return g_strdelimit (copy, "-", '_');
      }
    }
  g_return_val_if_reached (NULL);
}

/* ---- the sites ------------------------------------------------------------ */

/* the file name of a path, in plain SQL: what follows the last separator */
#define POSIX_BASENAME "substr(path, length(rtrim(path, replace(path, '/', ''))) + 1)"
#define WIN_PATH "replace(path, '/', '\\')"
#define WIN_BASENAME \
  "substr(" WIN_PATH ", length(rtrim(" WIN_PATH ", replace(" WIN_PATH ", '\\', ''))) + 1)"

/*
 * A Linux process's executable as evidence: owned by root and writable by
 * neither group nor others (mode is octal text, "0755").  A deleted
 * executable (on_disk = 0) is not in the file table any more; it counts
 * when the process runs as root.
 */
#define LINUX_EXECUTABLE_IS_TRUSTED \
  "(EXISTS (SELECT 1 FROM file AS f WHERE f.path = b.path AND f.uid = 0\n" \
  "                    AND substr(f.mode, -2, 1) IN ('0', '1', '4', '5')\n" \
  "                    AND substr(f.mode, -1, 1) IN ('0', '1', '4', '5'))\n" \
  "                OR (b.k_on_disk = 0 AND b.k_uid = 0))"
/* the name alone: only a root process whose executable osquery could not read */
#define LINUX_ROOT_WITHOUT_EXECUTABLE "coalesce(b.path, '') = '' AND b.k_uid = 0"

/* where Windows keeps kernel drivers, the versioned subfolders included */
#define WIN_DRIVERS_LIKE "'C:\\Windows\\System32\\drivers\\%%'"

typedef enum {
  GATE_NONE,
  GATE_PUBLISHER,       /* programs: the row's publisher is the vendor's */
  GATE_TEAM_COLUMN,     /* system_extensions: the row's team is the vendor's */
  GATE_TEAM_SIGNATURE,  /* apps: the bundle's signature has the vendor's Team ID */
  GATE_DRIVER_SIGNER,   /* driver files: no third-party Authenticode signer */
} Gate;

typedef struct {
  const gchar *alias;   /* k_... in the b layer */
  const gchar *expr;    /* over the table's columns */
  KeyRule      rule;
} Key;

typedef struct {
  PoIndicatorKind kind;
  const gchar    *keys[2];  /* aliases; a name matching either matches */
  const gchar    *guard;    /* also required (over b.*), or NULL */
} Rule;

typedef struct {
  PoExportPlatform platform;
  const gchar     *table;
  /* the b layer's common columns, in this order: name, version, path,
   * signer, detail */
  const gchar     *columns;
  const gchar     *where;        /* constraint on the table, or NULL */
  const gchar     *late_signer;  /* the signer of a matched row (over t.path), or NULL */
  const gchar     *late_table;   /* the table late_signer, the gate or a guard reads, or NULL */
  Gate             gate;
  Key              keys[5];
  Rule             rules[3];
} Site;

static const Site sites[] = {
  /* ---- Linux ---- */
  {
    /* only packages whose files are on disk: dpkg keeps removed-not-purged
     * packages as "deinstall ok config-files" (osquery#4740) */
    PO_EXPORT_PLATFORM_LINUX, "deb_packages",
    "name AS name, version AS version, NULL AS path, maintainer AS signer, status AS detail",
    "(' ' || coalesce(status, '')) NOT LIKE '% config-files' "
    "AND (' ' || coalesce(status, '')) NOT LIKE '% not-installed'",
    NULL, NULL, GATE_NONE,
    { { "k_name", "name", KEY_PLAIN } },
    { { PO_INDICATOR_DEB_PACKAGE, { "k_name" }, NULL } },
  },
  {
    PO_EXPORT_PLATFORM_LINUX, "rpm_packages",
    "name AS name, CASE WHEN coalesce(release, '') = '' THEN version "
    "ELSE version || '-' || release END AS version, NULL AS path, NULL AS signer, "
    "arch AS detail",
    NULL, NULL, NULL, GATE_NONE,
    { { "k_name", "name", KEY_PLAIN } },
    { { PO_INDICATOR_RPM_PACKAGE, { "k_name" }, NULL } },
  },
  {
    /* a unit systemd only remembers ("not-found") is not installed */
    PO_EXPORT_PLATFORM_LINUX, "systemd_units",
    "id AS name, NULL AS version, fragment_path AS path, NULL AS signer, "
    "coalesce(active_state, '') || ' ' || coalesce(sub_state, '') AS detail",
    "coalesce(load_state, '') <> 'not-found'",
    NULL, NULL, GATE_NONE,
    { { "k_id", "id", KEY_PLAIN } },
    { { PO_INDICATOR_SYSTEMD_UNIT, { "k_id" }, NULL } },
  },
  {
    /* as banned_software does: anyone can run a copy of a program as
     * ~/kesl, so the executable counts only when the file table shows it
     * root's and writable by no one else; the name alone only for a root
     * process whose executable could not be read */
    PO_EXPORT_PLATFORM_LINUX, "processes",
    "name AS name, NULL AS version, path AS path, NULL AS signer, 'pid ' || pid AS detail",
    NULL, NULL, "file", GATE_NONE,
    { { "k_name", "name", KEY_PLAIN },
      { "k_exe", POSIX_BASENAME, KEY_PLAIN },
      { "k_path", "path", KEY_PLAIN },
      { "k_uid", "uid", KEY_PLAIN },
      { "k_on_disk", "on_disk", KEY_PLAIN } },
    { { PO_INDICATOR_LINUX_PROCESS, { "k_exe" }, LINUX_EXECUTABLE_IS_TRUSTED },
      { PO_INDICATOR_LINUX_PATH, { "k_path" }, LINUX_EXECUTABLE_IS_TRUSTED },
      { PO_INDICATOR_LINUX_PROCESS, { "k_name" }, LINUX_ROOT_WITHOUT_EXECUTABLE } },
  },
  {
    PO_EXPORT_PLATFORM_LINUX, "kernel_modules",
    "name AS name, NULL AS version, NULL AS path, NULL AS signer, status AS detail",
    NULL, NULL, NULL, GATE_NONE,
    { { "k_name", "name", KEY_KMOD } },
    { { PO_INDICATOR_KERNEL_MODULE, { "k_name" }, NULL } },
  },

  /* ---- Windows ---- */
  {
    PO_EXPORT_PLATFORM_WINDOWS, "programs",
    "name AS name, version AS version, install_location AS path, publisher AS signer, "
    "NULL AS detail",
    NULL, NULL, NULL, GATE_PUBLISHER,
    { { "k_name", "name", KEY_TEXT },
      { "k_publisher", "publisher", KEY_TEXT },
      { "k_path", "install_location", KEY_WINPATH } },
    { { PO_INDICATOR_WINDOWS_PROGRAM, { "k_name" }, NULL },
      { PO_INDICATOR_WINDOWS_PUBLISHER, { "k_publisher" }, NULL },
      { PO_INDICATOR_WINDOWS_PATH, { "k_path" }, NULL } },
  },
  {
    /* services lists kernel and file-system drivers too (osquery 5.10.2,
     * osquery#8119); the drivers table has only plug-and-play ones */
    PO_EXPORT_PLATFORM_WINDOWS, "services",
    "name AS name, NULL AS version, path AS path, NULL AS signer, "
    "coalesce(service_type, '') || ' ' || coalesce(status, '') AS detail",
    NULL, NULL, NULL, GATE_NONE,
    { { "k_name", "name", KEY_FOLD },
      { "k_file", WIN_BASENAME, KEY_FOLD },
      { "k_path", "path", KEY_WINPATH },
      { "k_type", "service_type", KEY_PLAIN } },
    { { PO_INDICATOR_WINDOWS_SERVICE, { "k_name" }, NULL },
      { PO_INDICATOR_WINDOWS_DRIVER, { "k_file" },
        "b.k_type IN ('KERNEL_DRIVER', 'FILE_SYSTEM_DRIVER')" },
      { PO_INDICATOR_WINDOWS_PATH, { "k_path" }, NULL } },
  },
  {
    /* driver files, whether or not a service points at them; the LIKE
     * (no ESCAPE clause, so osquery can expand it) lists the folder and
     * its subfolders (%% is osquery's recursive wildcard) */
    PO_EXPORT_PLATFORM_WINDOWS, "file",
    "filename AS name, file_version AS version, path AS path, NULL AS signer, NULL AS detail",
    "path LIKE " WIN_DRIVERS_LIKE,
    "(SELECT a.subject_name FROM authenticode AS a WHERE a.path = t.path LIMIT 1)",
    "authenticode", GATE_DRIVER_SIGNER,
    { { "k_file", "filename", KEY_FOLD } },
    { { PO_INDICATOR_WINDOWS_DRIVER, { "k_file" }, NULL } },
  },
  {
    PO_EXPORT_PLATFORM_WINDOWS, "processes",
    "name AS name, NULL AS version, path AS path, NULL AS signer, 'pid ' || pid AS detail",
    NULL, NULL, NULL, GATE_NONE,
    { { "k_name", "name", KEY_FOLD },
      { "k_path", "path", KEY_WINPATH } },
    { { PO_INDICATOR_WINDOWS_PROCESS, { "k_name" }, NULL },
      { PO_INDICATOR_WINDOWS_PATH, { "k_path" }, NULL } },
  },

  /* ---- macOS ---- */
  {
    PO_EXPORT_PLATFORM_DARWIN, "apps",
    "name AS name, bundle_short_version AS version, path AS path, NULL AS signer, "
    "bundle_identifier AS detail",
    NULL,
    "(SELECT s.team_identifier FROM signature AS s WHERE s.path = t.path "
    "AND coalesce(s.team_identifier, '') <> '' LIMIT 1)",
    "signature", GATE_TEAM_SIGNATURE,
    { { "k_bundle", "bundle_identifier", KEY_FOLD },
      { "k_name", "name", KEY_FOLD },
      { "k_path", "path", KEY_FOLD } },
    { { PO_INDICATOR_MACOS_BUNDLE_ID, { "k_bundle" }, NULL },
      { PO_INDICATOR_MACOS_APP_NAME, { "k_name" }, NULL },
      { PO_INDICATOR_MACOS_PATH, { "k_path" }, NULL } },
  },
  {
    PO_EXPORT_PLATFORM_DARWIN, "system_extensions",
    "identifier AS name, version AS version, path AS path, team AS signer, state AS detail",
    NULL, NULL, NULL, GATE_TEAM_COLUMN,
    { { "k_identifier", "identifier", KEY_FOLD },
      { "k_team", "team", KEY_FOLD } },
    { { PO_INDICATOR_MACOS_SYSTEM_EXTENSION, { "k_identifier" }, NULL },
      { PO_INDICATOR_MACOS_TEAM_ID, { "k_team" }, NULL } },
  },
  {
    PO_EXPORT_PLATFORM_DARWIN, "kernel_extensions",
    "name AS name, version AS version, path AS path, NULL AS signer, NULL AS detail",
    NULL, NULL, NULL, GATE_NONE,
    { { "k_name", "name", KEY_FOLD } },
    { { PO_INDICATOR_MACOS_KERNEL_EXTENSION, { "k_name" }, NULL } },
  },
  {
    PO_EXPORT_PLATFORM_DARWIN, "launchd",
    "label AS name, NULL AS version, path AS path, NULL AS signer, "
    "coalesce(nullif(program, ''), program_arguments) AS detail",
    NULL, NULL, NULL, GATE_NONE,
    { { "k_label", "label", KEY_FOLD } },
    { { PO_INDICATOR_MACOS_LAUNCHD_LABEL, { "k_label" }, NULL } },
  },
  {
    PO_EXPORT_PLATFORM_DARWIN, "processes",
    "name AS name, NULL AS version, path AS path, NULL AS signer, 'pid ' || pid AS detail",
    NULL, NULL, NULL, GATE_NONE,
    { { "k_path", "path", KEY_FOLD } },
    { { PO_INDICATOR_MACOS_PATH, { "k_path" }, NULL } },
  },
};

/* why a kind that no site matches is left out */
static const gchar *
unused_kind_reason (PoIndicatorKind kind)
{
  switch (kind)
    {
    case PO_INDICATOR_KERNEL_MODULE_SIGNER:
    case PO_INDICATOR_KERNEL_MODULE_AUTHOR:
      return "osquery's kernel_modules table has no signer or author column";
    case PO_INDICATOR_WINDOWS_SIGNER:
      return "used only to confirm the Authenticode signer of driver files found by name "
             "(checking every file's signature would be too slow)";
    case PO_INDICATOR_MACOS_PACKAGE_RECEIPT:
      return "package receipts outlive uninstalls, so a receipt is not a finding";
    case PO_INDICATOR_SNAP:
      /* one missing table fails the whole query, hiding its other findings */
      return "osquery's snap_packages table is too new to rely on (osquery pull request 9053, "
             "2026): on an osquery without it the whole query would fail";
    case PO_INDICATOR_FLATPAK:
      return "osquery has no flatpak table";
    default:
      return "no osquery core table shows it";
    }
}

/* ---- the query ------------------------------------------------------------ */

struct _PoExportQuery {
  PoCatalogue      *catalogue;
  PoPolicy         *policy;
  PoExportPlatform  platform;
  gchar            *findings_sql;
  gchar            *policy_sql;
  GPtrArray        *tables;     /* gchar*, NULL-terminated */
  GPtrArray        *products;   /* gchar*, NULL-terminated */
  guint             n_indicators;
  gboolean          vendor_wide;
  GString          *notes;
};

/* who an indicator speaks for: a product, or its vendor as a whole */
typedef struct {
  PoVendor  *vendor;
  PoProduct *product;  /* NULL: vendor-wide */
} Owner;

typedef struct {
  PoExportQuery *query;
  GHashTable    *compiled;  /* const PoIndicator* set */
  GArray        *owners;    /* Owner, products first */
} Build;

static gboolean
on_platform (const PoIndicator *indicator, PoExportPlatform platform)
{
  return g_strcmp0 (po_indicator_kind_get_platform (po_indicator_get_kind (indicator)),
                    platforms[platform].catalogue) == 0;
}

static GPtrArray *
owner_indicators (const Owner *owner)
{
  return owner->product != NULL ? po_product_get_indicators (owner->product)
                                : po_vendor_get_indicators (owner->vendor);
}

static gchar *
owner_label (const Owner *owner)
{
  if (owner->product == NULL)
    return g_strdup_printf ("%s (vendor-wide)", po_vendor_get_id (owner->vendor));
  return g_strdup_printf ("%s/%s (%s)", po_vendor_get_id (owner->vendor),
                          po_product_get_id (owner->product),
                          po_product_get_category (owner->product));
}

/* the length of the last line of out */
static gsize
line_length (GString *out)
{
  const gchar *newline = memrchr (out->str, '\n', out->len);
  return newline == NULL ? out->len : out->len - (gsize) (newline - out->str) - 1;
}

/*
 * One comparison of key (SQL) with patterns all exact (an = or IN list)
 * or one glob.  Literals are normalised by rule; an IN list wraps at 96
 * columns under its opening parenthesis.
 */
static void
append_comparison (GString *out, const gchar *key, KeyRule rule, GPtrArray *patterns,
                   gboolean glob)
{
  if (glob)
    {
      g_autofree gchar *normal = key_literal (rule, g_ptr_array_index (patterns, 0));
      g_autofree gchar *body = rule_is_case_sensitive (rule) ? po_export_glob_to_glob (normal)
                                                            : po_export_glob_to_like (normal);
      g_autofree gchar *literal = po_export_sql_literal (body);

      if (rule_is_case_sensitive (rule))
        g_string_append_printf (out, "%s GLOB %s", key, literal);
      else
        g_string_append_printf (out, "%s LIKE %s ESCAPE '\\'", key, literal);
      return;
    }

  g_autoptr(GPtrArray) literals = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < patterns->len; i++)
    {
      gchar *normal = key_literal (rule, g_ptr_array_index (patterns, i));
      if (!g_hash_table_add (seen, normal))
        continue;
      g_ptr_array_add (literals, po_export_sql_literal (normal));
    }
  if (literals->len == 1)
    {
      g_string_append_printf (out, "%s = %s", key, (const gchar *) g_ptr_array_index (literals, 0));
      return;
    }
  g_string_append_printf (out, "%s IN (", key);
  /* wrap under the parenthesis, unless that is too far right to help */
  gsize column = line_length (out) <= 60 ? line_length (out) : 0;
  for (guint i = 0; i < literals->len; i++)
    {
      const gchar *literal = g_ptr_array_index (literals, i);
      if (i > 0)
        {
          g_string_append_c (out, ',');
          if (column > 0 && line_length (out) + 1 + strlen (literal) > 96)
            g_string_append_printf (out, "\n%*s", (int) column, "");
          else
            g_string_append_c (out, ' ');
        }
      g_string_append (out, literal);
    }
  g_string_append_c (out, ')');
}

/* the comparison over every key of a rule: (k1 ... OR k2 ...) */
static void
append_rule_comparison (GString *out, const Site *site, const Rule *rule, GPtrArray *patterns,
                        gboolean glob)
{
  KeyRule key_rule = kind_rule (rule->kind);
  guint n_keys = rule->keys[1] != NULL ? 2 : 1;

  if (n_keys > 1)
    g_string_append_c (out, '(');
  for (guint k = 0; k < n_keys; k++)
    {
      g_autofree gchar *key = g_strdup_printf ("b.%s", rule->keys[k]);
      if (k > 0)
        g_string_append (out, " OR ");
      append_comparison (out, key, key_rule, patterns, glob);
    }
  if (n_keys > 1)
    g_string_append_c (out, ')');
}

/* "(c1 OR c2 ...)" of all of a vendor's indicators of kind against key (SQL);
 * NULL when the vendor has none */
static gchar *
vendor_identity_sql (PoVendor *vendor, PoIndicatorKind kind, const gchar *key)
{
  g_autoptr(GPtrArray) exact = g_ptr_array_new ();
  g_autoptr(GPtrArray) globs = g_ptr_array_new ();
  g_autoptr(GString) out = g_string_new (NULL);
  GPtrArray *products = po_vendor_get_products (vendor);
  guint n_terms = 0;

  for (gint p = -1; p < (gint) products->len; p++)
    {
      GPtrArray *indicators = p < 0 ? po_vendor_get_indicators (vendor)
                                    : po_product_get_indicators (g_ptr_array_index (products, p));
      for (guint i = 0; i < indicators->len; i++)
        {
          const PoIndicator *indicator = g_ptr_array_index (indicators, i);
          if (po_indicator_get_kind (indicator) != kind)
            continue;
          g_ptr_array_add (po_indicator_is_glob (indicator) ? globs : exact,
                           (gpointer) po_indicator_get_pattern (indicator));
        }
    }
  if (exact->len == 0 && globs->len == 0)
    return NULL;
  g_string_append_c (out, '(');
  if (exact->len > 0)
    {
      append_comparison (out, key, kind_rule (kind), exact, FALSE);
      n_terms++;
    }
  for (guint i = 0; i < globs->len; i++)
    {
      g_autoptr(GPtrArray) one = g_ptr_array_new ();
      g_ptr_array_add (one, g_ptr_array_index (globs, i));
      if (n_terms++ > 0)
        g_string_append (out, " OR ");
      append_comparison (out, key, kind_rule (kind), one, TRUE);
    }
  g_string_append_c (out, ')');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/*
 * The condition a vendor's name matches need on this site (see the
 * comment at the top), or NULL for none.  *ret_identity is the kind that
 * is the identity itself, whose own arms are not gated.
 */
static gchar *
gate_sql (const Site *site, PoVendor *vendor, PoIndicatorKind *ret_identity)
{
  *ret_identity = PO_INDICATOR_KIND_N;
  switch (site->gate)
    {
    case GATE_NONE:
      return NULL;
    case GATE_PUBLISHER:
      *ret_identity = PO_INDICATOR_WINDOWS_PUBLISHER;
      return vendor_identity_sql (vendor, PO_INDICATOR_WINDOWS_PUBLISHER, "b.k_publisher");
    case GATE_TEAM_COLUMN:
      *ret_identity = PO_INDICATOR_MACOS_TEAM_ID;
      return vendor_identity_sql (vendor, PO_INDICATOR_MACOS_TEAM_ID, "b.k_team");
    case GATE_TEAM_SIGNATURE:
      {
        g_autofree gchar *key = key_sql (KEY_FOLD, "s.team_identifier");
        g_autofree gchar *teams = vendor_identity_sql (vendor, PO_INDICATOR_MACOS_TEAM_ID, key);
        if (teams == NULL)
          return NULL;
        return g_strdup_printf ("EXISTS (SELECT 1 FROM signature AS s WHERE s.path = b.path "
                                "AND %s)", teams);
      }
    case GATE_DRIVER_SIGNER:
      {
        g_autofree gchar *key = key_sql (KEY_TEXT, "a.subject_name");
        g_autofree gchar *signers = vendor_identity_sql (vendor, PO_INDICATOR_WINDOWS_SIGNER,
                                                         "sig.k");
        if (signers == NULL)
          return NULL;
        /* Microsoft signs drivers too (WHQL, attestation, early-launch
         * anti-malware), and authenticode reports one signer; a file
         * with no signature osquery can read (catalog-signed) is judged
         * by its name alone */
        return g_strdup_printf ("NOT EXISTS (SELECT 1 FROM (SELECT %s AS k FROM authenticode AS a "
                                "WHERE a.path = b.path) AS sig\n"
                                "             WHERE sig.k <> '' AND NOT (%s "
                                "OR sig.k LIKE 'microsoft windows%%'))", key, signers);
      }
    }
  g_return_val_if_reached (NULL);
}

static void
add_table (PoExportQuery *query, const gchar *table)
{
  for (guint i = 0; i + 1 < query->tables->len; i++)
    if (g_str_equal (g_ptr_array_index (query->tables, i), table))
      return;
  g_ptr_array_insert (query->tables, (gint) query->tables->len - 1, g_strdup (table));
}

/* one WHEN arm */
static void
append_arm (GString *cases, const Site *site, const Rule *rule, const Owner *owner,
            GPtrArray *patterns, gboolean glob, const gchar *gate)
{
  g_autofree gchar *label = owner_label (owner);
  g_autofree gchar *text = glob ? g_strdup_printf ("%s: %s %s", label,
                                                   po_indicator_kind_to_string (rule->kind),
                                                   (const gchar *) g_ptr_array_index (patterns, 0))
                                : g_strdup_printf ("%s: %s", label,
                                                   po_indicator_kind_to_string (rule->kind));
  g_autofree gchar *literal = po_export_sql_literal (text);

  g_string_append (cases, "      WHEN ");
  append_rule_comparison (cases, site, rule, patterns, glob);
  if (rule->guard != NULL)
    g_string_append_printf (cases, "\n           AND %s", rule->guard);
  if (gate != NULL)
    g_string_append_printf (cases, "\n           AND %s", gate);
  g_string_append_printf (cases, "\n        THEN %s\n", literal);
}

/* the arms of one site for one owner; returns how many */
static guint
append_owner_arms (Build *build, GString *cases, const Site *site, const Owner *owner)
{
  PoExportPlatform platform = build->query->platform;
  GPtrArray *indicators = owner_indicators (owner);
  PoIndicatorKind identity;
  g_autofree gchar *gate = gate_sql (site, owner->vendor, &identity);
  guint n_arms = 0;

  for (guint r = 0; r < G_N_ELEMENTS (site->rules) && site->rules[r].keys[0] != NULL; r++)
    {
      const Rule *rule = &site->rules[r];
      g_autoptr(GPtrArray) exact = g_ptr_array_new ();
      g_autoptr(GPtrArray) globs = g_ptr_array_new ();
      const gchar *arm_gate = rule->kind == identity ? NULL : gate;

      for (guint i = 0; i < indicators->len; i++)
        {
          const PoIndicator *indicator = g_ptr_array_index (indicators, i);

          if (po_indicator_get_kind (indicator) != rule->kind || !on_platform (indicator, platform))
            continue;
          g_hash_table_add (build->compiled, (gpointer) indicator);
          g_ptr_array_add (po_indicator_is_glob (indicator) ? globs : exact,
                           (gpointer) po_indicator_get_pattern (indicator));
        }
      /* the exact names in one arm, then each glob in its own */
      if (exact->len > 0)
        {
          append_arm (cases, site, rule, owner, exact, FALSE, arm_gate);
          n_arms++;
        }
      for (guint g = 0; g < globs->len; g++)
        {
          g_autoptr(GPtrArray) one = g_ptr_array_new ();
          g_ptr_array_add (one, g_ptr_array_index (globs, g));
          append_arm (cases, site, rule, owner, one, TRUE, arm_gate);
          n_arms++;
        }
    }
  return n_arms;
}

/* one site's SELECT, appended to findings; FALSE when it has no arms */
static gboolean
append_site (Build *build, GString *findings, const Site *site)
{
  g_autoptr(GString) cases = g_string_new (NULL);
  guint n_arms = 0;

  for (guint o = 0; o < build->owners->len; o++)
    n_arms += append_owner_arms (build, cases, site, &g_array_index (build->owners, Owner, o));
  if (n_arms == 0)
    return FALSE;

  if (findings->len > 0)
    g_string_append (findings, "\nUNION ALL\n");
  g_autofree gchar *source = po_export_sql_literal (site->table);
  g_string_append_printf (findings,
                          "SELECT %s AS source, t.name AS name, t.version AS version, "
                          "t.path AS path,\n"
                          "       %s AS signer, t.detail AS detail, t.matched AS matched\n"
                          "FROM (\n"
                          "  SELECT b.name AS name, b.version AS version, b.path AS path, "
                          "b.signer AS signer,\n"
                          "    b.detail AS detail,\n"
                          "    CASE\n"
                          "%s"
                          "    END AS matched\n"
                          "  FROM (\n"
                          "    SELECT %s",
                          source, site->late_signer != NULL ? site->late_signer : "t.signer",
                          cases->str, site->columns);
  for (guint k = 0; k < G_N_ELEMENTS (site->keys) && site->keys[k].alias != NULL; k++)
    {
      g_autofree gchar *key = key_sql (site->keys[k].rule, site->keys[k].expr);
      g_string_append_printf (findings, ",\n      %s AS %s", key, site->keys[k].alias);
    }
  g_string_append_printf (findings, "\n    FROM %s", site->table);
  if (site->where != NULL)
    g_string_append_printf (findings, "\n    WHERE %s", site->where);
  g_string_append (findings, "\n  ) AS b\n) AS t\nWHERE t.matched IS NOT NULL");

  add_table (build->query, site->table);
  if (site->late_table != NULL)
    add_table (build->query, site->late_table);
  return TRUE;
}

/* the owners the policy covers: every covered product of every vendor
 * (in catalogue order), then the vendors themselves for "all" policies */
static void
collect_owners (Build *build)
{
  PoExportQuery *query = build->query;
  const gchar *const *vendor_ids = po_policy_get_vendors (query->policy);
  g_autoptr(GHashTable) seen_products = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint v = 0; vendor_ids[v] != NULL; v++)
    {
      PoVendor *vendor = po_catalogue_lookup_vendor (query->catalogue, vendor_ids[v]);
      GPtrArray *products;

      if (vendor == NULL)
        continue;
      products = po_vendor_get_products (vendor);
      for (guint p = 0; p < products->len; p++)
        {
          PoProduct *product = g_ptr_array_index (products, p);
          GPtrArray *indicators = po_product_get_indicators (product);
          gboolean here = FALSE;
          Owner owner = { vendor, product };

          if (!po_policy_covers (query->policy, vendor_ids[v], po_product_get_category (product)))
            continue;
          g_array_append_val (build->owners, owner);
          for (guint i = 0; i < indicators->len && !here; i++)
            here = on_platform (g_ptr_array_index (indicators, i), query->platform);
          if (here && g_hash_table_add (seen_products, (gpointer) po_product_get_name (product)))
            g_ptr_array_insert (query->products, (gint) query->products->len - 1,
                                g_strdup (po_product_get_name (product)));
        }
    }
  for (guint v = 0; vendor_ids[v] != NULL; v++)
    {
      PoVendor *vendor = po_catalogue_lookup_vendor (query->catalogue, vendor_ids[v]);
      Owner owner = { vendor, NULL };

      if (vendor == NULL || !po_policy_covers (query->policy, vendor_ids[v], NULL))
        continue;
      g_array_append_val (build->owners, owner);
      query->vendor_wide = TRUE;
    }
}

/* a line for every covered indicator of the platform the SQL leaves out */
static void
note_skipped (Build *build)
{
  PoExportQuery *query = build->query;

  for (guint o = 0; o < build->owners->len; o++)
    {
      const Owner *owner = &g_array_index (build->owners, Owner, o);
      GPtrArray *indicators = owner_indicators (owner);
      g_autofree gchar *label = owner_label (owner);

      for (guint i = 0; i < indicators->len; i++)
        {
          const PoIndicator *indicator = g_ptr_array_index (indicators, i);
          PoIndicatorKind kind = po_indicator_get_kind (indicator);

          if (!on_platform (indicator, query->platform)
              || g_hash_table_contains (build->compiled, indicator))
            continue;
          g_string_append_printf (query->notes, "%s on %s: %s: %s %s not looked for: %s\n",
                                  po_policy_get_id (query->policy),
                                  platforms[query->platform].name, label,
                                  po_indicator_kind_to_string (kind),
                                  po_indicator_get_pattern (indicator), unused_kind_reason (kind));
        }
    }
}

static gchar *
indent_lines (const gchar *text, const gchar *indent)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    g_string_append_printf (out, "%s%s%s", i > 0 ? "\n" : "", lines[i][0] != '\0' ? indent : "",
                            lines[i]);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

PoExportQuery *
po_export_query_new (PoCatalogue *catalogue, PoPolicy *policy, PoExportPlatform platform)
{
  PoExportQuery *query;
  g_autoptr(GString) findings = g_string_new (NULL);
  g_autoptr(GHashTable) compiled = g_hash_table_new (NULL, NULL);
  g_autoptr(GArray) owners = g_array_new (FALSE, FALSE, sizeof (Owner));
  Build build;

  g_return_val_if_fail (catalogue != NULL, NULL);
  g_return_val_if_fail (policy != NULL, NULL);
  g_return_val_if_fail (platform < PO_EXPORT_PLATFORM_N, NULL);

  query = g_new0 (PoExportQuery, 1);
  query->catalogue = po_catalogue_ref (catalogue);
  query->policy = po_policy_ref (policy);
  query->platform = platform;
  query->tables = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (query->tables, NULL);
  query->products = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (query->products, NULL);
  query->notes = g_string_new (NULL);

  build = (Build) { query, compiled, owners };
  collect_owners (&build);
  for (guint s = 0; s < G_N_ELEMENTS (sites); s++)
    if (sites[s].platform == platform)
      append_site (&build, findings, &sites[s]);
  query->n_indicators = g_hash_table_size (compiled);
  note_skipped (&build);

  if (findings->len > 0)
    {
      g_autofree gchar *indented = indent_lines (findings->str, "  ");
      query->findings_sql = g_strdup (findings->str);
      query->policy_sql = g_strdup_printf ("SELECT 1 WHERE NOT EXISTS (\n%s\n)", indented);
    }
  return query;
}

void
po_export_query_free (PoExportQuery *query)
{
  if (query == NULL)
    return;
  po_catalogue_unref (query->catalogue);
  po_policy_unref (query->policy);
  g_free (query->findings_sql);
  g_free (query->policy_sql);
  g_ptr_array_unref (query->tables);
  g_ptr_array_unref (query->products);
  g_string_free (query->notes, TRUE);
  g_free (query);
}

PoPolicy *
po_export_query_get_policy (PoExportQuery *query)
{
  return query->policy;
}

PoExportPlatform
po_export_query_get_platform (PoExportQuery *query)
{
  return query->platform;
}

const gchar *
po_export_query_get_findings_sql (PoExportQuery *query)
{
  return query->findings_sql;
}

const gchar *
po_export_query_get_policy_sql (PoExportQuery *query)
{
  return query->policy_sql;
}

const gchar *const *
po_export_query_get_tables (PoExportQuery *query)
{
  return (const gchar *const *) query->tables->pdata;
}

guint
po_export_query_get_n_indicators (PoExportQuery *query)
{
  return query->n_indicators;
}

const gchar *const *
po_export_query_get_products (PoExportQuery *query)
{
  return (const gchar *const *) query->products->pdata;
}

gboolean
po_export_query_get_vendor_wide (PoExportQuery *query)
{
  return query->vendor_wide;
}

const gchar *
po_export_query_get_notes (PoExportQuery *query)
{
  return query->notes->str;
}
