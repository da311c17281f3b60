/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The closed vocabularies of the policy format: product categories,
 * organisation types (a small hierarchy), milestone kinds, confidence
 * levels, and the syntax of ids, jurisdictions and dates.
 *
 * They are the format's definition, like the enums of a JSON Schema, so
 * they live in code; docs/policy.schema.json lists the same values and a
 * test keeps the two equal.  The ban rules themselves are data (data/).
 */
#include <string.h>

#include "po-catalogue-private.h"

static const gchar *const categories[] = {
  "antivirus",  /* anti-virus / endpoint protection */
  "edr",        /* endpoint detection and response agents */
  "management", /* management servers and agents (Network Agent) */
  "password-manager",
  "vpn",
  "parental-control",
  "tool", /* on-demand scanners and removal tools */
  "web-application-firewall",
  "messaging",           /* instant messaging and workplace chat clients */
  "social-media",        /* social-media and short-video apps */
  "ai-assistant",        /* generative-AI chat services and their clients */
  "surveillance-client", /* clients that view and manage video-surveillance equipment */
  "payment",             /* payment and wallet apps */
  "other",
  NULL
};

/*
 * each type, the type it implies, and the jurisdiction it belongs to; parents
 * come before children.  A type of a jurisdiction (a US federal contractor)
 * is what its law says, so it, and what it implies, counts only for that
 * jurisdiction's policies: a US federal contractor is a government supplier
 * to the US, not to the Netherlands.  Types without one mean the same
 * everywhere.
 */
static const struct {
  const gchar *type;
  const gchar *parent;
  const gchar *jurisdiction;
} organisation_types[] = {
  { "government", NULL, NULL },                        /* any public body */
  { "central-government", "government", NULL },        /* national ministries and agencies */
  { "federal-executive", "central-government", "US" }, /* US federal executive branch */
  { "eu-institution", "government", "EU" },            /* EU institutions, bodies, agencies */
  { "regional-government", "government", NULL },       /* provinces, states, Länder */
  { "province", "regional-government", NULL },
  { "local-government", "government", NULL },
  { "municipality", "local-government", NULL },
  { "public-school", "government", NULL },               /* publicly run schools, districts */
  { "national-security", NULL, NULL },                   /* national-security systems or role */
  { "vital-sector", NULL, NULL },                        /* critical / vital infrastructure */
  { "government-supplier", NULL, NULL },                 /* suppliers to government security */
  { "federal-contractor", "government-supplier", "US" }, /* US federal contractors (FAR) */
  { "state-contractor", "government-supplier", "US" },   /* contractors of a US state */
  { "business", NULL, NULL },                            /* private companies */
  /* a rule binding every business binds these too; one binding them does not bind every business */
  { "state-owned-enterprise", "business", NULL },
  { "individual", NULL, NULL }, /* home users */
};

static const gchar *const milestone_kinds[] = {
  "identify", /* find the products and report them */
  "report",
  "plan", /* a removal plan is due */
  "begin-removal",
  "remove",                 /* removal complete */
  "use-prohibited",         /* using the products is prohibited from this date */
  "procurement-prohibited", /* no new purchases */
  "no-new-sales",           /* the vendor may no longer sell */
  "end-of-updates",         /* the products stop receiving updates */
  "other",
  NULL
};

const gchar *const *
po_vocabulary_get_categories (void)
{
  return categories;
}

const gchar *const *
po_vocabulary_get_organisation_types (void)
{
  static const gchar *types[G_N_ELEMENTS (organisation_types) + 1];
  static gsize initialised = 0;

  if (g_once_init_enter (&initialised))
    {
      for (gsize i = 0; i < G_N_ELEMENTS (organisation_types); i++)
        types[i] = organisation_types[i].type;
      types[G_N_ELEMENTS (organisation_types)] = NULL;
      g_once_init_leave (&initialised, 1);
    }
  return types;
}

const gchar *const *
po_vocabulary_get_milestone_kinds (void)
{
  return milestone_kinds;
}

/* government devices, as instruments name them: phones and tablets, desktops
 * and laptops, servers */
static const gchar *const device_classes[] = { "mobile", "desktop", "server", NULL };

const gchar *const *
po_vocabulary_get_device_classes (void)
{
  return device_classes;
}

const gchar *
po_vocabulary_get_organisation_parent (const gchar *type)
{
  for (gsize i = 0; i < G_N_ELEMENTS (organisation_types); i++)
    if (g_strcmp0 (organisation_types[i].type, type) == 0)
      return organisation_types[i].parent;
  return NULL;
}

const gchar *
po_vocabulary_get_organisation_jurisdiction (const gchar *type)
{
  for (gsize i = 0; i < G_N_ELEMENTS (organisation_types); i++)
    if (g_strcmp0 (organisation_types[i].type, type) == 0)
      return organisation_types[i].jurisdiction;
  return NULL;
}

gboolean
po_vocabulary_jurisdiction_within (const gchar *inner, const gchar *outer)
{
  gsize length;

  if (inner == NULL || outer == NULL)
    return FALSE;
  length = strlen (outer);
  return strncmp (inner, outer, length) == 0 && (inner[length] == '\0' || inner[length] == '-');
}

gboolean
po_vocabulary_organisation_type_counts_for (const gchar *type, const gchar *policy_jurisdiction)
{
  const gchar *home = po_vocabulary_get_organisation_jurisdiction (type);

  return home == NULL || g_strcmp0 (policy_jurisdiction, "*") == 0
         || po_vocabulary_jurisdiction_within (policy_jurisdiction, home);
}

/* "x-" followed by an id: a value of the organisation's own */
static gboolean
is_extension_value (const gchar *text)
{
  return g_str_has_prefix (text, "x-") && text[2] != '\0' && po_vocabulary_is_id (text + 2);
}

gboolean
po_vocabulary_is_category (const gchar *category)
{
  return category != NULL
         && (g_strv_contains (categories, category) || is_extension_value (category));
}

gboolean
po_vocabulary_is_organisation_type (const gchar *type)
{
  if (type == NULL)
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (organisation_types); i++)
    if (g_str_equal (organisation_types[i].type, type))
      return TRUE;
  return is_extension_value (type);
}

gboolean
po_vocabulary_is_milestone_kind (const gchar *kind)
{
  return kind != NULL && g_strv_contains (milestone_kinds, kind);
}

const gchar *
po_vocabulary_policy_confidence (const gchar *text)
{
  if (g_strcmp0 (text, "verified") == 0 || g_strcmp0 (text, "reported") == 0
      || g_strcmp0 (text, "unverified") == 0)
    return g_intern_string (text);
  return NULL;
}

const gchar *
po_vocabulary_indicator_confidence (const gchar *text)
{
  if (g_strcmp0 (text, "verified") == 0 || g_strcmp0 (text, "corroborated") == 0
      || g_strcmp0 (text, "weak") == 0)
    return g_intern_string (text);
  return NULL;
}

gboolean
po_vocabulary_is_id (const gchar *text)
{
  gsize length;

  if (text == NULL || !(g_ascii_islower (text[0]) || g_ascii_isdigit (text[0])))
    return FALSE;
  length = strlen (text);
  if (length > 128)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!(g_ascii_islower (text[i]) || g_ascii_isdigit (text[i]) || text[i] == '-' || text[i] == '.'
          || text[i] == '_'))
      return FALSE;
  return TRUE;
}

/*
 * ISO 3166-1 alpha-2 ("NL"), an ISO 3166-2 subdivision ("US-TX"), "EU",
 * or "*" (any: a company's own policy).  "UK" is accepted for GB because
 * everybody writes it.
 */
gchar *
po_vocabulary_normalise_jurisdiction (const gchar *text)
{
  g_autofree gchar *upper = NULL;
  gsize length;

  if (text == NULL)
    return NULL;
  if (g_str_equal (text, "*"))
    return g_strdup ("*");
  upper = g_ascii_strup (text, -1);
  length = strlen (upper);
  if (length < 2 || !g_ascii_isupper (upper[0]) || !g_ascii_isupper (upper[1]))
    return NULL;
  if (length > 2)
    {
      if (upper[2] != '-' || length < 4 || length > 6)
        return NULL;
      for (gsize i = 3; i < length; i++)
        if (!g_ascii_isupper (upper[i]) && !g_ascii_isdigit (upper[i]))
          return NULL;
    }
  if (upper[0] == 'U' && upper[1] == 'K')
    {
      upper[0] = 'G';
      upper[1] = 'B';
    }
  return g_steal_pointer (&upper);
}

static gboolean
is_digits (const gchar *text, gsize offset, gsize count)
{
  for (gsize i = offset; i < offset + count; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  return TRUE;
}

/*
 * Dates are written YYYY-MM-DD and nothing else (no week dates, no
 * "2017-9-13"), so a file means the same to people and to phaseout.  Where
 * an instrument sets a time of day (the Commerce cut-off is 00:00 EDT) an
 * RFC 3339 date-time with an explicit offset is allowed.
 */
gboolean
po_vocabulary_parse_date (const gchar *text, gboolean allow_time, GDateTime **ret_when)
{
  gsize length;
  gint year, month, day;
  g_autoptr (GDateTime) when = NULL;

  if (text == NULL)
    return FALSE;
  length = strlen (text);
  if (length < 10 || !is_digits (text, 0, 4) || text[4] != '-' || !is_digits (text, 5, 2)
      || text[7] != '-' || !is_digits (text, 8, 2))
    return FALSE;
  year = g_ascii_digit_value (text[0]) * 1000 + g_ascii_digit_value (text[1]) * 100
         + g_ascii_digit_value (text[2]) * 10 + g_ascii_digit_value (text[3]);
  month = g_ascii_digit_value (text[5]) * 10 + g_ascii_digit_value (text[6]);
  day = g_ascii_digit_value (text[8]) * 10 + g_ascii_digit_value (text[9]);
  if (year < 1900 || !g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
    return FALSE;

  if (length == 10)
    {
      when = g_date_time_new_utc (year, month, day, 0, 0, 0);
    }
  else
    {
      g_autoptr (GDateTime) parsed = NULL;
      gchar last = text[length - 1];

      if (!allow_time || text[10] != 'T' || length < 17 || !is_digits (text, 11, 2)
          || text[13] != ':' || !is_digits (text, 14, 2))
        return FALSE;
      /* an explicit offset, never the local time of whoever reads the file */
      if (last != 'Z'
          && !(length >= 6 && (text[length - 6] == '+' || text[length - 6] == '-')
               && text[length - 3] == ':'))
        return FALSE;
      parsed = g_date_time_new_from_iso8601 (text, NULL);
      if (parsed == NULL)
        return FALSE;
      when = g_date_time_to_utc (parsed);
    }
  if (when == NULL)
    return FALSE;
  if (ret_when != NULL)
    *ret_when = g_steal_pointer (&when);
  return TRUE;
}
