/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Days and times.  The store keeps unix seconds and the report counts UTC
 * days (days since 1970-01-01), the unit of a burn-down and of a policy's
 * deadline; the conversions are the proleptic Gregorian ones.
 */
#include <string.h>

#include "po-fleet-internal.h"

gint64
po_fleet_day_of (gint64 unix_time)
{
  gint64 day = unix_time / PO_FLEET_SECONDS_PER_DAY;

  return unix_time % PO_FLEET_SECONDS_PER_DAY < 0 ? day - 1 : day;
}

/* days since 1970-01-01 of a civil date (Howard Hinnant's algorithm) */
gint64
po_fleet_days_from_civil (gint64 year, guint month, guint day)
{
  gint64 y = year - (month <= 2);
  gint64 era = (y >= 0 ? y : y - 399) / 400;
  gint64 yoe = y - era * 400;
  gint64 doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  gint64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

  return era * 146097 + doe - 719468;
}

static void
civil_from_days (gint64 days, gint64 *ret_year, guint *ret_month, guint *ret_day)
{
  gint64 z = days + 719468;
  gint64 era = (z >= 0 ? z : z - 146096) / 146097;
  gint64 doe = z - era * 146097;
  gint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  gint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  gint64 mp = (5 * doy + 2) / 153;
  guint d = (guint) (doy - (153 * mp + 2) / 5 + 1);
  guint m = (guint) (mp < 10 ? mp + 3 : mp - 9);

  *ret_year = yoe + era * 400 + (m <= 2);
  *ret_month = m;
  *ret_day = d;
}

static gboolean
read_digits (const gchar *text, guint n, guint *ret_value)
{
  guint value = 0;

  for (guint i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return FALSE;
      value = value * 10 + (guint) (text[i] - '0');
    }
  *ret_value = value;
  return TRUE;
}

static guint
days_in_month (gint64 year, guint month)
{
  static const guint days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  gboolean leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

  return month == 2 && leap ? 29 : days[month - 1];
}

/* YYYY-MM-DD at the start of text; the rest is the caller's business */
static gboolean
parse_date_prefix (const gchar *text, gint64 *ret_day)
{
  guint year, month, day;

  if (text == NULL || strlen (text) < 10 || text[4] != '-' || text[7] != '-'
      || !read_digits (text, 4, &year) || !read_digits (text + 5, 2, &month)
      || !read_digits (text + 8, 2, &day))
    return FALSE;
  if (month < 1 || month > 12 || day < 1 || day > days_in_month (year, month))
    return FALSE;
  *ret_day = po_fleet_days_from_civil (year, month, day);
  return TRUE;
}

gboolean
po_fleet_day_parse (const gchar *text, gint64 *ret_day)
{
  if (text == NULL || strlen (text) != 10)
    return FALSE;
  return parse_date_prefix (text, ret_day);
}

gchar *
po_fleet_day_format (gint64 day, gchar *buf)
{
  gint64 year;
  guint month, d;

  civil_from_days (day, &year, &month, &d);
  g_snprintf (buf, 16, "%04" G_GINT64_FORMAT "-%02u-%02u", year, month, d);
  return buf;
}

gchar *
po_fleet_date_normalize (const gchar *text)
{
  gint64 day;

  if (text == NULL || !parse_date_prefix (text, &day))
    return NULL;
  /* a date, or a date and a time: the date as the policy gives it */
  if (text[10] != '\0' && text[10] != 'T' && text[10] != ' ')
    return NULL;
  return g_strndup (text, 10);
}

gboolean
po_fleet_calendar_time_parse (const gchar *text, gint64 *ret_unix_time)
{
  static const gchar *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
  g_auto (GStrv) words = NULL;
  g_auto (GStrv) clock = NULL;
  guint month = 0, day, hour, minute, second, year;
  guint n_words = 0;

  if (text == NULL)
    return FALSE;
  /* asctime pads the day with a space ("May  2"): split on runs of spaces */
  words = g_strsplit_set (text, " ", -1);
  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0')
      words[n_words++] = words[i];
    else
      g_free (words[i]);
  words[n_words] = NULL;
  if (n_words != 5 && !(n_words == 6 && g_str_equal (words[5], "UTC")))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (months); i++)
    if (g_str_equal (words[1], months[i]))
      month = i + 1;
  if (month == 0 || strlen (words[2]) > 2 || strlen (words[4]) != 4
      || !read_digits (words[2], (guint) strlen (words[2]), &day)
      || !read_digits (words[4], 4, &year) || day < 1 || day > days_in_month (year, month))
    return FALSE;
  clock = g_strsplit (words[3], ":", -1);
  if (g_strv_length (clock) != 3 || strlen (clock[0]) != 2 || strlen (clock[1]) != 2
      || strlen (clock[2]) != 2 || !read_digits (clock[0], 2, &hour)
      || !read_digits (clock[1], 2, &minute) || !read_digits (clock[2], 2, &second) || hour > 23
      || minute > 59 || second > 60)
    return FALSE;
  *ret_unix_time = po_fleet_days_from_civil (year, month, day) * PO_FLEET_SECONDS_PER_DAY
                   + hour * 3600 + minute * 60 + second;
  return TRUE;
}
