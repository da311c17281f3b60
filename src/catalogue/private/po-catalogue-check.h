/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Reading a policy file's JSON with every problem reported, not only the
 * first (po-catalogue-check.c): the getters the parsers of vendors
 * (po-catalogue-parse.c) and policies (po-catalogue-parse-policy.c)
 * share.  Shared by the files of src/catalogue/ only.
 */
#include <glib.h>
#include <json-glib/json-glib.h>

#include "po-catalogue-private.h"

G_BEGIN_DECLS

/* one file being checked */
typedef struct {
  const gchar *name; /* the file, as messages name it */
  GPtrArray *errors; /* gchar* */
} PoCheck;

/* whether a list item is acceptable */
typedef gboolean (*PoValueCheck) (const gchar *value);

/* appends "<file>: <object>: field '<field>': <problem>" (object, field may be NULL) */
G_GNUC_PRINTF (4, 5)
void po_check_report (PoCheck *check, const gchar *object, const gchar *field, const gchar *format,
                      ...);
/* "prefix" + "member" */
gchar *po_check_field_name (const gchar *prefix, const gchar *member);
/* reports every member of json not in allowed (NULL-terminated) */
gboolean po_check_members (PoCheck *check, const gchar *object, const gchar *prefix,
                           JsonObject *json, const gchar *const *allowed);
/* "an object", "a string" ... for messages */
const gchar *po_check_node_type_name (JsonNode *node);
gboolean po_check_is_string_node (JsonNode *node);

/*
 * Members of json, named prefix + member in messages: NULL (-1 for a
 * boolean) and reported when of the wrong type, or when absent and
 * required.  A string must not be empty or start with white space.
 */
const gchar *po_check_get_string (PoCheck *check, const gchar *object, const gchar *prefix,
                                  JsonObject *json, const gchar *member, gboolean required);
gint po_check_get_bool (PoCheck *check, const gchar *object, const gchar *prefix, JsonObject *json,
                        const gchar *member, gboolean required);
JsonObject *po_check_get_object (PoCheck *check, const gchar *object, const gchar *prefix,
                                 JsonObject *json, const gchar *member, gboolean required);
JsonArray *po_check_get_array (PoCheck *check, const gchar *object, const gchar *prefix,
                               JsonObject *json, const gchar *member, gboolean required);
/*
 * An array of distinct non-empty strings, each passing valid (may be
 * NULL) or equal to also_allowed; what describes a bad one ("unknown
 * category").  A new GStrv (possibly empty), or NULL when absent and not
 * required, or bad.
 */
GStrv po_check_get_string_list (PoCheck *check, const gchar *object, const gchar *prefix,
                                JsonObject *json, const gchar *member, gboolean required,
                                gboolean allow_empty, PoValueCheck valid, const gchar *what,
                                const gchar *also_allowed);

/* "vendor 'kaspersky'", or "vendors[3]" without an id */
gchar *po_check_object_name (const gchar *kind, const gchar *id, const gchar *array, guint index);
/* the id member: present, a string and well-formed, or NULL */
const gchar *po_check_get_id (PoCheck *check, const gchar *object, JsonObject *json);
/* element index of the top-level array plural: see po-catalogue-check.c */
JsonObject *po_check_open_object (PoCheck *check, JsonNode *node, const gchar *kind,
                                  const gchar *plural, guint index, gchar **ret_object,
                                  const gchar **ret_id);

/* "sources": [{"title": ..., "url": ...}, ...] into sources (PoSource);
 * prefix: where json is ("scope.excludes[0].", or NULL at the top) */
gboolean po_check_parse_sources (PoCheck *check, const gchar *object, const gchar *prefix,
                                 JsonObject *json, gboolean required, GArray *sources);

/* the vocabularies, as PoValueCheck */
gboolean po_check_is_category (const gchar *value);
gboolean po_check_is_id (const gchar *value);

/* one policy object of a file (po-catalogue-parse-policy.c); NULL when it has problems */
PoPolicy *po_catalogue_parse_policy (PoCheck *check, JsonNode *node, guint index);

G_END_DECLS
