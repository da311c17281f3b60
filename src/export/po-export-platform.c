/* SPDX-License-Identifier: Apache-2.0 */
/* the platforms of the export: osquery's names, titles and the catalogue's names */
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
