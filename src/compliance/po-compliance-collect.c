/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The collectors as compliance runs them: each source's items (packages,
 * processes, units, modules) offered to the matcher under the names the
 * catalogue defines for them, and the choice of which collectors a scan
 * needs (the descriptors of po-indicator-kinds.c say which kinds each
 * source looks for).  Paths have their own file, po-compliance-paths.c.
 */
#include "po-compliance-private.h"

#include <string.h>
#include <unistd.h>

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
typedef GPtrArray *(*PackageCollector) (PoInventory *inventory, GPtrArray *warnings);

/* a deb package some indicator could match: the others need not be copied out */
static gboolean
deb_could_match (const gchar *name, gpointer user_data)
{
  return po_catalogue_match (user_data, PO_INDICATOR_DEB_PACKAGE, name, NULL);
}

static gboolean
collect_packages (const PoCollectRequest *request, PoFindingSource source, PoIndicatorKind kind,
                  PackageCollector collector, GPtrArray *findings)
{
  g_autoptr (GPtrArray) warnings = po_inventory_warnings_new ();
  g_autoptr (GPtrArray) packages = source == PO_FINDING_SOURCE_DEB
                                     ? po_inventory_collect_deb_filtered (request->inventory,
                                                                          deb_could_match,
                                                                          request->catalogue,
                                                                          warnings)
                                     : collector (request->inventory, warnings);

  for (guint i = 0; i < packages->len; i++)
    {
      PoPackage *package = g_ptr_array_index (packages, i);
      g_autoptr (GArray) candidates = po_candidates_new ();
      g_autofree gchar *matched = NULL;

      if (!package->installed)
        continue;
      matched = source == PO_FINDING_SOURCE_SNAP ? snap_name_of_instance (package->name)
                                                 : g_strdup (package->name);
      po_candidates_add_indicator_matches (request->catalogue, request->owners, candidates, kind,
                                           matched, 0);
      po_compliance_add_findings (findings, candidates, source, package->name, package->version,
                                  package->path, -1);
    }
  return po_compliance_warnings_complete (warnings);
}

/*
 * Whether an executable could only have been put there by root or by the
 * user phaseout runs as: owned by one of them and writable by no one
 * else.  A user can copy any program to ~/kesl, but cannot make it root's.
 */
static gboolean
executable_is_trusted (PoInventory *inventory, gint pid)
{
  g_autoptr (GError) error = NULL;
  struct stat st;

  if (!po_inventory_process_stat_executable (inventory, pid, &st, &error))
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
  g_autoptr (GPtrArray) warnings = po_inventory_warnings_new ();
  /* the name and the executable are all that is matched */
  g_autoptr (GPtrArray) processes = po_inventory_collect_processes_full (
    request->inventory, PO_PROCESS_READ_NAME_AND_PATH, warnings);

  for (guint i = 0; i < processes->len; i++)
    {
      PoProcess *process = g_ptr_array_index (processes, i);
      g_autoptr (GArray) candidates = po_candidates_new ();

      if (process->path != NULL)
        {
          g_autofree gchar *base = g_path_get_basename (process->path);
          po_candidates_add_indicator_matches (request->catalogue, request->owners, candidates,
                                               PO_INDICATOR_LINUX_PROCESS, base,
                                               g_str_equal (base, process->name) ? 0 : 2);
          po_candidates_add_indicator_matches (request->catalogue, request->owners, candidates,
                                               PO_INDICATOR_LINUX_PATH, process->path, 4);
          if (candidates->len > 0 && !executable_is_trusted (request->inventory, process->pid))
            g_array_set_size (candidates, 0);
        }
      else
        {
          po_candidates_add_indicator_matches (request->catalogue, request->owners, candidates,
                                               PO_INDICATOR_LINUX_PROCESS, process->name, 0);
          if (candidates->len > 0
              && po_inventory_process_real_uid (request->inventory, process->pid) != 0)
            g_array_set_size (candidates, 0);
        }
      po_compliance_add_findings (findings, candidates, PO_FINDING_SOURCE_PROCESS, process->name,
                                  NULL, process->path, process->pid);
    }
  return po_compliance_warnings_complete (warnings);
}

/* systemd units by name; a masked unit cannot start and is not a finding */
static gboolean
collect_units (const PoCollectRequest *request, GPtrArray *findings)
{
  g_autoptr (GPtrArray) warnings = po_inventory_warnings_new ();
  /* names are matched: the unit files need not be read */
  g_autoptr (GPtrArray) units = po_inventory_collect_units_fields (request->inventory,
                                                                   PO_UNIT_READ_NAMES, warnings);

  for (guint i = 0; i < units->len; i++)
    {
      PoUnit *unit = g_ptr_array_index (units, i);
      g_autoptr (GArray) candidates = po_candidates_new ();

      if (unit->masked)
        continue;
      po_candidates_add_indicator_matches (request->catalogue, request->owners, candidates,
                                           PO_INDICATOR_SYSTEMD_UNIT, unit->name, 0);
      po_compliance_add_findings (findings, candidates, PO_FINDING_SOURCE_SYSTEMD_UNIT, unit->name,
                                  NULL, unit->path, -1);
    }
  return po_compliance_warnings_complete (warnings);
}

static gboolean
collect_modules (const PoCollectRequest *request, GPtrArray *findings)
{
  g_autoptr (GPtrArray) warnings = po_inventory_warnings_new ();
  g_autoptr (GPtrArray) modules = po_inventory_collect_kernel_modules (request->inventory,
                                                                       warnings);

  for (guint i = 0; i < modules->len; i++)
    {
      PoKernelModule *module = g_ptr_array_index (modules, i);
      g_autoptr (GArray) candidates = po_candidates_new ();

      po_candidates_add_module (request->index, request->owners, module, candidates);
      po_compliance_add_findings (findings, candidates, PO_FINDING_SOURCE_KERNEL_MODULE,
                                  module->name, module->version, module->path, -1);
    }
  return po_compliance_warnings_complete (warnings);
}

/* ---- the request -------------------------------------------------------- */

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
        sources |= po_catalogue_get_owner_sources (request->catalogue, vendor, NULL)
                   | (1u << PO_FINDING_SOURCE_KERNEL_MODULE);
      for (guint p = 0; p < products->len; p++)
        {
          PoProduct *product = g_ptr_array_index (products, p);
          if (g_hash_table_contains (request->owners, product))
            sources |= po_catalogue_get_owner_sources (request->catalogue, vendor, product);
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
          ok = po_compliance_collect_paths (request, findings);
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
