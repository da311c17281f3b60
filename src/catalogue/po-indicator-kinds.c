/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The indicator kinds, one descriptor each (po-indicator-kind.h), and the
 * osquery tables the export reads them from.  This file is the only place
 * that knows a kind by name: the parser, the matcher, the compliance
 * collectors and the export all read these rows.
 */
#include <string.h>

#include "po-catalogue-private.h"

/* ---- finding sources ----------------------------------------------------- */

static const gchar *const source_names[PO_FINDING_SOURCE_N] = {
  [PO_FINDING_SOURCE_DEB] = "deb",         [PO_FINDING_SOURCE_RPM] = "rpm",
  [PO_FINDING_SOURCE_SNAP] = "snap",       [PO_FINDING_SOURCE_FLATPAK] = "flatpak",
  [PO_FINDING_SOURCE_PROCESS] = "process", [PO_FINDING_SOURCE_SYSTEMD_UNIT] = "systemd_unit",
  [PO_FINDING_SOURCE_PATH] = "path",       [PO_FINDING_SOURCE_KERNEL_MODULE] = "kernel_module",
};

const gchar *
po_finding_source_to_string (PoFindingSource source)
{
  return (guint) source < PO_FINDING_SOURCE_N ? source_names[source] : NULL;
}

gboolean
po_finding_source_from_string (const gchar *text, PoFindingSource *ret_source)
{
  for (guint i = 0; i < PO_FINDING_SOURCE_N; i++)
    if (g_strcmp0 (text, source_names[i]) == 0)
      {
        *ret_source = (PoFindingSource) i;
        return TRUE;
      }
  return FALSE;
}

/* ---- the osquery tables -------------------------------------------------- */

/* the file name of a path, in plain SQL: what follows the last separator */
#define POSIX_BASENAME "substr(path, length(rtrim(path, replace(path, '/', ''))) + 1)"
#define WIN_PATH       "replace(path, '/', '\\')"
#define WIN_BASENAME \
  "substr(" WIN_PATH ", length(rtrim(" WIN_PATH ", replace(" WIN_PATH ", '\\', ''))) + 1)"

/* where Windows keeps kernel drivers, the versioned subfolders included */
#define WIN_DRIVERS_LIKE "'C:\\Windows\\System32\\drivers\\%%'"

/*
 * The Add/Remove Programs keys, as osquery's programs table reads them
 * (osquery/tables/system/windows/programs.cpp): the machine's, its 32-bit
 * view, and every user's.  osquery's registry table lists a key's subkeys
 * only for a key (or path) constraint of its own, '=' or LIKE without
 * ESCAPE; without one it lists the hives and nothing else.  So each key is
 * read by a SELECT with its own constraint, and the three are joined.
 */
#define UNINSTALL_KEY "\\Microsoft\\Windows\\CurrentVersion\\Uninstall"
#define UNINSTALL_KEYS                                                               \
  "(SELECT key, path, name, type FROM registry\n"                                    \
  "      WHERE key = 'HKEY_LOCAL_MACHINE\\SOFTWARE" UNINSTALL_KEY "'\n"              \
  "    UNION ALL SELECT key, path, name, type FROM registry\n"                       \
  "      WHERE key = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node" UNINSTALL_KEY "'\n" \
  "    UNION ALL SELECT key, path, name, type FROM registry\n"                       \
  "      WHERE key LIKE 'HKEY_USERS\\%\\Software" UNINSTALL_KEY "')"

static const PoOsquerySiteInfo sites[PO_OSQUERY_SITE_N] = {
  /* ---- Linux ---- */
  [PO_OSQUERY_DEB_PACKAGES] = {
    /* only packages whose files are on disk: dpkg keeps removed-not-purged
     * packages as "deinstall ok config-files" (osquery#4740) */
    "linux", "deb_packages",
    "name AS name, version AS version, NULL AS path, maintainer AS signer, status AS detail",
    "(' ' || coalesce(status, '')) NOT LIKE '% config-files' "
    "AND (' ' || coalesce(status, '')) NOT LIKE '% not-installed'",
    NULL, NULL, PO_OSQUERY_GATE_NONE,
    { { "k_name", "name", PO_TEXT_EXACT } },
  },
  [PO_OSQUERY_RPM_PACKAGES] = {
    "linux", "rpm_packages",
    "name AS name, CASE WHEN coalesce(release, '') = '' THEN version "
    "ELSE version || '-' || release END AS version, NULL AS path, NULL AS signer, "
    "arch AS detail",
    NULL, NULL, NULL, PO_OSQUERY_GATE_NONE,
    { { "k_name", "name", PO_TEXT_EXACT } },
  },
  [PO_OSQUERY_SYSTEMD_UNITS] = {
    /* a unit systemd only remembers ("not-found") is not installed */
    "linux", "systemd_units",
    "id AS name, NULL AS version, fragment_path AS path, NULL AS signer, "
    "coalesce(active_state, '') || ' ' || coalesce(sub_state, '') AS detail",
    "coalesce(load_state, '') <> 'not-found'",
    NULL, NULL, PO_OSQUERY_GATE_NONE,
    { { "k_id", "id", PO_TEXT_EXACT } },
  },
  [PO_OSQUERY_LINUX_PROCESSES] = {
    /* the executable's base name, then its path, then the name alone (see
     * the guards of linux.process and linux.path) */
    "linux", "processes",
    "name AS name, NULL AS version, path AS path, NULL AS signer, 'pid ' || pid AS detail",
    NULL, NULL, "file", PO_OSQUERY_GATE_NONE,
    { { "k_exe", POSIX_BASENAME, PO_TEXT_EXACT },
      { "k_path", "path", PO_TEXT_EXACT },
      { "k_name", "name", PO_TEXT_EXACT },
      { "k_uid", "uid", PO_TEXT_EXACT },
      { "k_on_disk", "on_disk", PO_TEXT_EXACT } },
  },
  [PO_OSQUERY_KERNEL_MODULES] = {
    "linux", "kernel_modules",
    "name AS name, NULL AS version, NULL AS path, NULL AS signer, status AS detail",
    NULL, NULL, NULL, PO_OSQUERY_GATE_NONE,
    { { "k_name", "name", PO_TEXT_KMOD } },
  },

  /* ---- Windows ---- */
  [PO_OSQUERY_PROGRAMS] = {
    "windows", "programs",
    "name AS name, version AS version, install_location AS path, publisher AS signer, "
    "NULL AS detail",
    NULL, NULL, NULL, PO_OSQUERY_GATE_PUBLISHER,
    { { "k_name", "name", PO_TEXT_FREE },
      { "k_publisher", "publisher", PO_TEXT_FREE },
      { "k_path", "install_location", PO_TEXT_WINPATH } },
  },
  [PO_OSQUERY_UNINSTALL_KEYS] = {
    /* one row per Add/Remove Programs key; the key's Publisher value is read
     * only for the keys whose name matched (late_signer, and the gate) */
    "windows", "registry",
    "name AS name, NULL AS version, path AS path, NULL AS signer, key AS detail",
    "type = 'subkey'",
    "(SELECT r.data FROM registry AS r WHERE r.path = t.path || '\\Publisher' LIMIT 1)",
    "registry", PO_OSQUERY_GATE_REGISTRY_PUBLISHER,
    { { "k_key", "name", PO_TEXT_FOLD } },
    UNINSTALL_KEYS, NULL, NULL,
  },
  [PO_OSQUERY_SERVICES] = {
    /* services lists kernel and file-system drivers too (osquery 5.10.2,
     * osquery#8119); the drivers table has only plug-and-play ones */
    "windows", "services",
    "name AS name, NULL AS version, path AS path, NULL AS signer, "
    "coalesce(service_type, '') || ' ' || coalesce(status, '') AS detail",
    NULL, NULL, NULL, PO_OSQUERY_GATE_NONE,
    { { "k_name", "name", PO_TEXT_FOLD },
      { "k_file", WIN_BASENAME, PO_TEXT_FOLD },
      { "k_path", "path", PO_TEXT_WINPATH },
      { "k_type", "service_type", PO_TEXT_EXACT } },
  },
  [PO_OSQUERY_DRIVER_FILES] = {
    /* driver files, whether or not a service points at them; the LIKE
     * (no ESCAPE clause, so osquery can expand it) lists the folder and
     * its subfolders (%% is osquery's recursive wildcard) */
    "windows", "file",
    "filename AS name, file_version AS version, path AS path, NULL AS signer, NULL AS detail",
    "path LIKE " WIN_DRIVERS_LIKE,
    "(SELECT a.subject_name FROM authenticode AS a WHERE a.path = t.path LIMIT 1)",
    "authenticode", PO_OSQUERY_GATE_DRIVER_SIGNER,
    { { "k_file", "filename", PO_TEXT_FOLD } },
  },
  [PO_OSQUERY_WINDOWS_PROCESSES] = {
    "windows", "processes",
    "name AS name, NULL AS version, path AS path, NULL AS signer, 'pid ' || pid AS detail",
    NULL, NULL, NULL, PO_OSQUERY_GATE_NONE,
    { { "k_name", "name", PO_TEXT_FOLD },
      { "k_path", "path", PO_TEXT_WINPATH } },
  },
  [PO_OSQUERY_STORE_PACKAGES] = {
    /* Microsoft Store (MSIX) packages: programs lists them, with
     * package_family_name, from osquery 5.17.0 (osquery#8585).  An older
     * osquery has no such column and fails a query naming it as a whole,
     * so they have a query of their own.  The family name ends in a hash
     * of the publisher's certificate subject: it is the identity itself,
     * no look-alike can carry it */
    "windows", "programs",
    "name AS name, version AS version, install_location AS path, publisher AS signer, "
    "package_family_name AS detail",
    "coalesce(package_family_name, '') <> ''",
    NULL, NULL, PO_OSQUERY_GATE_NONE,
    { { "k_family", "package_family_name", PO_TEXT_FOLD } },
    NULL, "store_apps", "5.17.0",
  },

  /* ---- macOS ---- */
  [PO_OSQUERY_APPS] = {
    "macos", "apps",
    "name AS name, bundle_short_version AS version, path AS path, NULL AS signer, "
    "bundle_identifier AS detail",
    NULL,
    "(SELECT s.team_identifier FROM signature AS s WHERE s.path = t.path "
    "AND coalesce(s.team_identifier, '') <> '' LIMIT 1)",
    "signature", PO_OSQUERY_GATE_TEAM_SIGNATURE,
    { { "k_bundle", "bundle_identifier", PO_TEXT_FOLD },
      { "k_name", "name", PO_TEXT_FOLD },
      { "k_path", "path", PO_TEXT_FOLD } },
  },
  [PO_OSQUERY_SYSTEM_EXTENSIONS] = {
    "macos", "system_extensions",
    "identifier AS name, version AS version, path AS path, team AS signer, state AS detail",
    NULL, NULL, NULL, PO_OSQUERY_GATE_TEAM_COLUMN,
    { { "k_identifier", "identifier", PO_TEXT_FOLD },
      { "k_team", "team", PO_TEXT_FOLD } },
  },
  [PO_OSQUERY_KERNEL_EXTENSIONS] = {
    "macos", "kernel_extensions",
    "name AS name, version AS version, path AS path, NULL AS signer, NULL AS detail",
    NULL, NULL, NULL, PO_OSQUERY_GATE_NONE,
    { { "k_name", "name", PO_TEXT_FOLD } },
  },
  [PO_OSQUERY_LAUNCHD] = {
    "macos", "launchd",
    "label AS name, NULL AS version, path AS path, NULL AS signer, "
    "coalesce(nullif(program, ''), program_arguments) AS detail",
    NULL, NULL, NULL, PO_OSQUERY_GATE_NONE,
    { { "k_label", "label", PO_TEXT_FOLD } },
  },
  [PO_OSQUERY_DARWIN_PROCESSES] = {
    "macos", "processes",
    "name AS name, NULL AS version, path AS path, NULL AS signer, 'pid ' || pid AS detail",
    NULL, NULL, NULL, PO_OSQUERY_GATE_NONE,
    { { "k_path", "path", PO_TEXT_FOLD } },
  },
};

const PoOsquerySiteInfo *
po_osquery_site_get_info (PoOsquerySite site)
{
  g_return_val_if_fail (site < PO_OSQUERY_SITE_N, NULL);
  return &sites[site];
}

/* ---- what a pattern may look like, per kind ------------------------------ */

/* Debian package names are lower case, no spaces */
static gchar *
check_deb_name (const gchar *pattern, gboolean is_glob)
{
  for (const gchar *p = pattern; *p != '\0'; p++)
    if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || strchr ("+-.*?", *p) != NULL))
      return g_strdup ("Debian package names are lower-case letters, digits and '+-.'");
  return NULL;
}

static gchar *
check_no_space (const gchar *pattern, gboolean is_glob)
{
  if (strpbrk (pattern, " \t") != NULL)
    return g_strdup ("contains white space");
  return NULL;
}

/* starts with '/' (or a wildcard) */
static gchar *
check_absolute_path (const gchar *pattern, gboolean is_glob)
{
  if (pattern[0] != '/' && pattern[0] != '*')
    return g_strdup ("not an absolute path");
  return NULL;
}

/*
 * Snap names as snapd takes them: lower-case letters, digits and '-', at
 * most 40, a letter somewhere, no '-' at either end or twice in a row.  A
 * glob is held to the characters only: its wildcards stand for the rest.
 */
static gchar *
check_snap_name (const gchar *pattern, gboolean is_glob)
{
  gboolean letter = FALSE;

  for (const gchar *p = pattern; *p != '\0'; p++)
    {
      if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || strchr ("-*?", *p) != NULL))
        return g_strdup ("snap names are lower-case letters, digits and '-'");
      letter = letter || g_ascii_islower (*p);
    }
  if (is_glob)
    return NULL;
  if (strlen (pattern) > 40)
    return g_strdup ("snap names are at most 40 characters");
  if (!letter || pattern[0] == '-' || pattern[strlen (pattern) - 1] == '-'
      || strstr (pattern, "--") != NULL)
    return g_strdup ("not a snap name: it needs a letter, and no '-' at either end or twice "
                     "in a row");
  return NULL;
}

/*
 * Flatpak application ids as flatpak takes them: reverse DNS, elements of
 * letters, digits, '_' and '-' ('-' in the last only), none empty or
 * starting with a digit, at least three, at most 255 characters.  A glob
 * (com.kaspersky.*) is held to the characters and non-empty elements.
 */
static gchar *
check_flatpak_id (const gchar *pattern, gboolean is_glob)
{
  g_auto (GStrv) elements = NULL;
  guint n;

  for (const gchar *p = pattern; *p != '\0'; p++)
    if (!(g_ascii_isalnum (*p) || strchr ("._-*?", *p) != NULL))
      return g_strdup ("flatpak application ids are letters, digits and '._-'");
  elements = g_strsplit (pattern, ".", -1);
  n = g_strv_length (elements);
  for (guint i = 0; i < n; i++)
    if (elements[i][0] == '\0')
      return g_strdup ("not a flatpak application id: an empty element");
  if (is_glob)
    return NULL;
  if (strlen (pattern) > 255)
    return g_strdup ("flatpak application ids are at most 255 characters");
  if (n < 3)
    return g_strdup ("not a flatpak application id: it needs at least three elements "
                     "(org.example.App)");
  for (guint i = 0; i < n; i++)
    if (g_ascii_isdigit (elements[i][0]) || (i + 1 < n && strchr (elements[i], '-') != NULL))
      return g_strdup ("not a flatpak application id: an element starts with a digit, or "
                       "has '-' before the last");
  return NULL;
}

/*
 * A Store (MSIX) package family name: the package name (letters, digits,
 * '.' and '-', 3 to 50), '_', and the publisher id, 13 characters of
 * Windows' base-32 (lower-case letters and digits).  A glob is held to the
 * characters.
 */
static gchar *
check_package_family_name (const gchar *pattern, gboolean is_glob)
{
  const gchar *underscore = strrchr (pattern, '_');
  gsize name_length;

  for (const gchar *p = pattern; *p != '\0'; p++)
    if (!(g_ascii_isalnum (*p) || strchr (".-_*?", *p) != NULL))
      return g_strdup ("package family names are letters, digits, '.', '-' and one '_'");
  if (is_glob)
    return NULL;
  if (underscore == NULL || strchr (pattern, '_') != underscore)
    return g_strdup ("not a package family name: NAME_PUBLISHERID, with one '_' "
                     "(BytedancePte.Ltd.TikTok_6yccndn6064se)");
  name_length = (gsize) (underscore - pattern);
  if (name_length < 3 || name_length > 50)
    return g_strdup ("not a package family name: the package name has 3 to 50 characters");
  if (strlen (underscore + 1) != 13)
    return g_strdup ("not a package family name: the publisher id after '_' has 13 characters");
  for (const gchar *p = underscore + 1; *p != '\0'; p++)
    if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p)))
      return g_strdup ("not a package family name: the publisher id is lower-case letters and "
                       "digits");
  return NULL;
}

/* a registry key name: no '\' (it would be a path of keys), at most 255 */
static gchar *
check_registry_key_name (const gchar *pattern, gboolean is_glob)
{
  if (strchr (pattern, '\\') != NULL)
    return g_strdup ("a key name has no '\\' (give the name of the key under ...\\Uninstall)");
  if (strlen (pattern) > 255)
    return g_strdup ("registry key names are at most 255 characters");
  return NULL;
}

/* ---- the kinds ----------------------------------------------------------- */

#define SOURCE(s) PO_FINDING_SOURCE_BIT (PO_FINDING_SOURCE_##s)

/*
 * A Linux process's executable as evidence: owned by root and writable by
 * neither group nor others (mode is octal text, "0755").  A deleted
 * executable (on_disk = 0) is not in the file table any more; it counts
 * when the process runs as root.  As banned_software does: anyone can run
 * a copy of a program as ~/kesl.
 */
#define LINUX_EXECUTABLE_IS_TRUSTED                                          \
  "(EXISTS (SELECT 1 FROM file AS f WHERE f.path = b.path AND f.uid = 0\n"   \
  "                    AND substr(f.mode, -2, 1) IN ('0', '1', '4', '5')\n"  \
  "                    AND substr(f.mode, -1, 1) IN ('0', '1', '4', '5'))\n" \
  "                OR (b.k_on_disk = 0 AND b.k_uid = 0))"
/* the name alone: only a root process whose executable osquery could not read */
#define LINUX_ROOT_WITHOUT_EXECUTABLE "coalesce(b.path, '') = '' AND b.k_uid = 0"

static const PoIndicatorKindInfo kinds[PO_INDICATOR_KIND_N] = {
  [PO_INDICATOR_DEB_PACKAGE] = {
    "linux.deb_package", "linux", "deb_package", "dpkg package name (lower case only)",
    PO_TEXT_EXACT, check_deb_name, SOURCE (DEB),
    { { PO_OSQUERY_DEB_PACKAGES, { "k_name" } } }, NULL,
  },
  [PO_INDICATOR_RPM_PACKAGE] = {
    "linux.rpm_package", "linux", "rpm_package", "RPM package name",
    PO_TEXT_EXACT, check_no_space, SOURCE (RPM),
    { { PO_OSQUERY_RPM_PACKAGES, { "k_name" } } }, NULL,
  },
  [PO_INDICATOR_LINUX_PATH] = {
    /* probed as paths, and matched against executables; the export sees
     * paths only through running binaries */
    "linux.path", "linux", "path", "absolute path",
    PO_TEXT_EXACT, check_absolute_path, SOURCE (PATH) | SOURCE (PROCESS),
    { { PO_OSQUERY_LINUX_PROCESSES, { "k_path" }, LINUX_EXECUTABLE_IS_TRUSTED } }, NULL,
  },
  [PO_INDICATOR_SYSTEMD_UNIT] = {
    "linux.systemd_unit", "linux", "systemd_unit", "unit name with suffix, `kesl.service`",
    PO_TEXT_EXACT, check_no_space, SOURCE (SYSTEMD_UNIT),
    { { PO_OSQUERY_SYSTEMD_UNITS, { "k_id" } } }, NULL,
  },
  [PO_INDICATOR_LINUX_PROCESS] = {
    "linux.process", "linux", "process", "process name / executable base name",
    PO_TEXT_EXACT, NULL, SOURCE (PROCESS),
    { { PO_OSQUERY_LINUX_PROCESSES, { "k_exe" }, LINUX_EXECUTABLE_IS_TRUSTED },
      { PO_OSQUERY_LINUX_PROCESSES, { "k_name" }, LINUX_ROOT_WITHOUT_EXECUTABLE } }, NULL,
  },
  [PO_INDICATOR_KERNEL_MODULE] = {
    "linux.kernel_module", "linux", "kernel_module",
    "module name; `-` and `_` are the same, as in kmod",
    PO_TEXT_KMOD, check_no_space, SOURCE (KERNEL_MODULE),
    { { PO_OSQUERY_KERNEL_MODULES, { "k_name" } } }, NULL,
  },
  [PO_INDICATOR_KERNEL_MODULE_SIGNER] = {
    "linux.kernel_module_signer", "linux", "kernel_module_signer", "modinfo signer",
    PO_TEXT_FREE, NULL, SOURCE (KERNEL_MODULE),
    { { 0 } }, "osquery's kernel_modules table has no signer or author column",
  },
  [PO_INDICATOR_KERNEL_MODULE_AUTHOR] = {
    "linux.kernel_module_author", "linux", "kernel_module_author", "modinfo author",
    PO_TEXT_FREE, NULL, SOURCE (KERNEL_MODULE),
    { { 0 } }, "osquery's kernel_modules table has no signer or author column",
  },
  [PO_INDICATOR_SNAP] = {
    "linux.snap", "linux", "snap",
    "snap name (lower case only; a parallel install `kesl_beta` is the snap `kesl`)",
    PO_TEXT_EXACT, check_snap_name, SOURCE (SNAP),
    /* one missing table fails the whole query, hiding its other findings */
    { { 0 } }, "osquery's snap_packages table is too new to rely on (osquery pull request "
               "9053, 2026): on an osquery without it the whole query would fail",
  },
  [PO_INDICATOR_FLATPAK] = {
    "linux.flatpak", "linux", "flatpak",
    "Flatpak application id, reverse DNS: `com.kaspersky.Kesl`, or a glob `com.kaspersky.*`",
    PO_TEXT_EXACT, check_flatpak_id, SOURCE (FLATPAK),
    { { 0 } }, "osquery has no flatpak table",
  },
  [PO_INDICATOR_WINDOWS_PROGRAM] = {
    "windows.program", "windows", "program", "Add/Remove Programs display name",
    PO_TEXT_FREE, NULL, 0,
    { { PO_OSQUERY_PROGRAMS, { "k_name" } } }, NULL,
  },
  [PO_INDICATOR_WINDOWS_PUBLISHER] = {
    "windows.publisher", "windows", "publisher", "its publisher",
    PO_TEXT_FREE, NULL, 0,
    { { PO_OSQUERY_PROGRAMS, { "k_publisher" } } }, NULL,
  },
  [PO_INDICATOR_WINDOWS_SERVICE] = {
    "windows.service", "windows", "service", "service (registry key) name",
    PO_TEXT_FOLD, NULL, 0,
    { { PO_OSQUERY_SERVICES, { "k_name" } } }, NULL,
  },
  [PO_INDICATOR_WINDOWS_DRIVER] = {
    "windows.driver", "windows", "driver", "driver file name, `klif.sys`",
    PO_TEXT_FOLD, check_no_space, 0,
    { { PO_OSQUERY_SERVICES, { "k_file" }, "b.k_type IN ('KERNEL_DRIVER', 'FILE_SYSTEM_DRIVER')" },
      { PO_OSQUERY_DRIVER_FILES, { "k_file" } } }, NULL,
  },
  [PO_INDICATOR_WINDOWS_SIGNER] = {
    "windows.signer", "windows", "signer", "Authenticode signer subject",
    PO_TEXT_FREE, NULL, 0,
    { { 0 } }, "used only to confirm the Authenticode signer of driver files found by name "
               "(checking every file's signature would be too slow)",
  },
  [PO_INDICATOR_WINDOWS_PROCESS] = {
    "windows.process", "windows", "process", "image name, `avp.exe`",
    PO_TEXT_FOLD, NULL, 0,
    { { PO_OSQUERY_WINDOWS_PROCESSES, { "k_name" } } }, NULL,
  },
  [PO_INDICATOR_WINDOWS_PATH] = {
    "windows.path", "windows", "path", "path; `/` and `\\` are the same",
    PO_TEXT_WINPATH, NULL, 0,
    { { PO_OSQUERY_PROGRAMS, { "k_path" } },
      { PO_OSQUERY_SERVICES, { "k_path" } },
      { PO_OSQUERY_WINDOWS_PROCESSES, { "k_path" } } }, NULL,
  },
  [PO_INDICATOR_WINDOWS_STORE_PACKAGE] = {
    "windows.store_package", "windows", "store_package",
    "Microsoft Store (MSIX) package family name, `BytedancePte.Ltd.TikTok_6yccndn6064se`",
    PO_TEXT_FOLD, check_package_family_name, 0,
    { { PO_OSQUERY_STORE_PACKAGES, { "k_family" } } }, NULL,
  },
  [PO_INDICATOR_WINDOWS_UNINSTALL_KEY] = {
    "windows.uninstall_key", "windows", "uninstall_key",
    "name of the Add/Remove Programs registry key (`...\\Uninstall\\WeChat`)",
    PO_TEXT_FOLD, check_registry_key_name, 0,
    { { PO_OSQUERY_UNINSTALL_KEYS, { "k_key" } } }, NULL,
  },
  [PO_INDICATOR_MACOS_TEAM_ID] = {
    "macos.team_id", "macos", "team_id", "Team ID of the code signature, `2Y8XE5CQ94`",
    PO_TEXT_FOLD, check_no_space, 0,
    { { PO_OSQUERY_SYSTEM_EXTENSIONS, { "k_team" } } }, NULL,
  },
  [PO_INDICATOR_MACOS_BUNDLE_ID] = {
    "macos.bundle_id", "macos", "bundle_id", "bundle identifier, `com.kaspersky.kav`",
    PO_TEXT_FOLD, check_no_space, 0,
    { { PO_OSQUERY_APPS, { "k_bundle" } } }, NULL,
  },
  [PO_INDICATOR_MACOS_SYSTEM_EXTENSION] = {
    "macos.system_extension", "macos", "system_extension", "system extension identifier",
    PO_TEXT_FOLD, check_no_space, 0,
    { { PO_OSQUERY_SYSTEM_EXTENSIONS, { "k_identifier" } } }, NULL,
  },
  [PO_INDICATOR_MACOS_KERNEL_EXTENSION] = {
    "macos.kernel_extension", "macos", "kernel_extension",
    "kernel extension (kext) name, `com.kaspersky.kext.klif`",
    PO_TEXT_FOLD, check_no_space, 0,
    { { PO_OSQUERY_KERNEL_EXTENSIONS, { "k_name" } } }, NULL,
  },
  [PO_INDICATOR_MACOS_PACKAGE_RECEIPT] = {
    "macos.package_receipt", "macos", "package_receipt", "installer package receipt id",
    PO_TEXT_FOLD, check_no_space, 0,
    { { 0 } }, "package receipts outlive uninstalls, so a receipt is not a finding",
  },
  [PO_INDICATOR_MACOS_LAUNCHD_LABEL] = {
    "macos.launchd_label", "macos", "launchd_label", "launchd job label",
    PO_TEXT_FOLD, check_no_space, 0,
    { { PO_OSQUERY_LAUNCHD, { "k_label" } } }, NULL,
  },
  [PO_INDICATOR_MACOS_APP_NAME] = {
    "macos.app_name", "macos", "app_name", "application bundle name, `Kaspersky.app`",
    PO_TEXT_FOLD, NULL, 0,
    { { PO_OSQUERY_APPS, { "k_name" } } }, NULL,
  },
  [PO_INDICATOR_MACOS_PATH] = {
    "macos.path", "macos", "path", "absolute path",
    PO_TEXT_FOLD, check_absolute_path, 0,
    { { PO_OSQUERY_APPS, { "k_path" } },
      { PO_OSQUERY_DARWIN_PROCESSES, { "k_path" } } }, NULL,
  },
};

const PoIndicatorKindInfo *
po_indicator_kind_get_info (PoIndicatorKind kind)
{
  g_return_val_if_fail (kind < PO_INDICATOR_KIND_N, NULL);
  return &kinds[kind];
}

const gchar *
po_indicator_kind_to_string (PoIndicatorKind kind)
{
  g_return_val_if_fail (kind < PO_INDICATOR_KIND_N, NULL);
  return kinds[kind].name;
}

gboolean
po_indicator_kind_from_string (const gchar *text, PoIndicatorKind *ret_kind)
{
  for (guint i = 0; i < PO_INDICATOR_KIND_N; i++)
    if (g_strcmp0 (kinds[i].name, text) == 0)
      {
        if (ret_kind != NULL)
          *ret_kind = (PoIndicatorKind) i;
        return TRUE;
      }
  return FALSE;
}

gboolean
po_indicator_kind_from_key (const gchar *platform, const gchar *key, PoIndicatorKind *ret_kind)
{
  for (guint i = 0; i < PO_INDICATOR_KIND_N; i++)
    if (g_strcmp0 (kinds[i].platform, platform) == 0 && g_strcmp0 (kinds[i].key, key) == 0)
      {
        *ret_kind = (PoIndicatorKind) i;
        return TRUE;
      }
  return FALSE;
}

const gchar *
po_indicator_kind_get_key (PoIndicatorKind kind)
{
  g_return_val_if_fail (kind < PO_INDICATOR_KIND_N, NULL);
  return kinds[kind].key;
}

const gchar *
po_indicator_kind_get_platform (PoIndicatorKind kind)
{
  g_return_val_if_fail (kind < PO_INDICATOR_KIND_N, NULL);
  return kinds[kind].platform;
}

gboolean
po_indicator_kind_is_case_insensitive (PoIndicatorKind kind)
{
  g_return_val_if_fail (kind < PO_INDICATOR_KIND_N, FALSE);
  return !po_text_rule_is_case_sensitive (kinds[kind].rule);
}
