/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "po-table.h"

/* defined in the generated po-table-registry.c, from schemas/ */
extern const PoTable *const po_table_registry[];
extern const guint po_table_registry_n_tables;
