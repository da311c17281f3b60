/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The ban-policy catalogue: vendors with their products and the indicators
 * that find them on a host, and the policies that ban or advise against
 * them.  All of it is data (docs/policy-format.md): the built-in files under
 * data/ are compiled in as a GResource, administrators add or override with
 * JSON files in --policy-dir directories.
 *
 * Each idea has its own header; this one includes them all:
 *   po-indicator-kind.h, po-indicator.h  indicator kinds and indicators
 *   po-vendor.h, po-policy.h             vendors, products, policies
 *   po-vocabulary.h                      the format's closed vocabularies
 *   po-profile.h                         the organisation profile
 *   po-catalogue-load.h                  loading a catalogue, what it holds
 *   po-catalogue-match.h                 matching names against it
 *   po-catalogue-source.h                the catalogue in force, reloaded
 *   po-profile-source.h                  the profile in force, reloaded
 */
#include "po-catalogue-load.h"
#include "po-catalogue-match.h"
#include "po-catalogue-source.h"
#include "po-indicator.h"
#include "po-policy.h"
#include "po-profile.h"
#include "po-profile-source.h"
#include "po-vendor.h"
#include "po-vocabulary.h"
