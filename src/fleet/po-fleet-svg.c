/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The report's pictures as inline SVG, drawn here so the page needs no
 * script and no file beside it: the burn-down with the deadline and the
 * projection on it, and a bar of the hosts by status.
 */
#include <math.h>

#include "po-fleet-internal.h"

#define W      760.0
#define H      280.0
#define LEFT   56.0
#define RIGHT  24.0
#define TOP    20.0
#define BOTTOM 40.0
/* the axis runs this far past the data for a deadline or a projection */
#define MAX_EXTENSION_DAYS 365

const gchar *
po_fleet_bucket_colour (PoFleetBucket bucket)
{
  static const gchar *const colours[] = { "#2e7d32", "#f9a825", "#c62828",
                                          "#1565c0", "#9e9e9e", "#6d4c41" };

  return bucket < PO_FLEET_BUCKET_N ? colours[bucket] : "#000000";
}

/* the top of the y axis: four gridlines at 1, 2 or 5 times a power of ten
 * apart, so every label is a whole number */
static guint
nice_ceiling (guint value)
{
  guint quarter = (MAX (value, 1) + 3) / 4;
  guint step = 1;

  for (;;)
    {
      if (quarter <= step)
        return 4 * step;
      if (quarter <= 2 * step)
        return 8 * step;
      if (quarter <= 5 * step)
        return 20 * step;
      step *= 10;
    }
}

typedef struct {
  gint64 day0, day1;
  guint y_max;
} Scale;

static gdouble
x_of (const Scale *s, gint64 day)
{
  gdouble span = (gdouble) MAX (s->day1 - s->day0, 1);

  return LEFT + (W - LEFT - RIGHT) * (gdouble) (day - s->day0) / span;
}

static gdouble
y_of (const Scale *s, gdouble value)
{
  return TOP + (H - TOP - BOTTOM) * (1.0 - value / s->y_max);
}

void
po_fleet_svg_burn_down (const PoFleetPolicyReport *policy, gint64 as_of, GString *out)
{
  const PoFleetBurnPoint *points = (const PoFleetBurnPoint *) (gconstpointer)
                                     policy->burn_down->data;
  guint n = policy->burn_down->len;
  Scale s = { as_of, as_of, 1 };
  gint64 deadline = G_MININT64;
  gchar day[16];
  guint peak = 0;

  if (n > 0)
    s.day0 = points[0].day, s.day1 = points[n - 1].day;
  for (guint i = 0; i < n; i++)
    peak = MAX (peak, points[i].hosts_with_findings);
  if (policy->deadline != NULL && po_fleet_day_parse (policy->deadline, &deadline))
    {
      if (deadline < s.day0 && deadline >= s.day0 - MAX_EXTENSION_DAYS)
        s.day0 = deadline;
      if (deadline > s.day1 && deadline <= s.day1 + MAX_EXTENSION_DAYS)
        s.day1 = deadline;
    }
  if (policy->projected_zero != G_MININT64 && policy->projected_zero > s.day1)
    s.day1 = MIN (policy->projected_zero, s.day1 + MAX_EXTENSION_DAYS);
  if (s.day1 == s.day0)
    s.day1 = s.day0 + 1;
  s.y_max = nice_ceiling (MAX (peak, 1));

  g_string_append_printf (
    out,
    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" "
    "height=\"%.0f\" role=\"img\" aria-label=\"Hosts with findings per day\">\n",
    W, H, W, H);
  g_string_append_printf (out,
                          "<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" "
                          "fill=\"#ffffff\"/>\n",
                          W, H);
  /* grid and y labels */
  for (guint k = 0; k <= 4; k++)
    {
      gdouble value = s.y_max * k / 4.0;
      gdouble y = y_of (&s, value);

      g_string_append_printf (out,
                              "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                              "stroke=\"#e0e0e0\"/>\n",
                              LEFT, y, W - RIGHT, y);
      g_string_append_printf (out,
                              "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" "
                              "text-anchor=\"end\" fill=\"#444\">%.0f</text>\n",
                              LEFT - 6, y + 4, value);
    }
  g_string_append_printf (out,
                          "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                          "stroke=\"#444\"/>\n",
                          LEFT, H - BOTTOM, W - RIGHT, H - BOTTOM);
  g_string_append_printf (out,
                          "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"#444\">%s"
                          "</text>\n",
                          LEFT, H - BOTTOM + 16, po_fleet_day_format (s.day0, day));
  g_string_append_printf (out,
                          "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\" "
                          "fill=\"#444\">%s</text>\n",
                          W - RIGHT, H - BOTTOM + 16, po_fleet_day_format (s.day1, day));

  /* the burn-down: a step line over a light area */
  if (n > 0)
    {
      g_autoptr (GString) path = g_string_new (NULL);

      for (guint i = 0; i < n; i++)
        {
          gdouble y = y_of (&s, points[i].hosts_with_findings);
          g_string_append_printf (path, "%s%.1f,%.1f L%.1f,%.1f ", i == 0 ? "M" : "L",
                                  x_of (&s, points[i].day), y, x_of (&s, points[i].day + 1) - 0.0,
                                  y);
        }
      g_string_append_printf (out,
                              "<path d=\"%s L%.1f,%.1f L%.1f,%.1f Z\" fill=\"#ffcdd2\" "
                              "stroke=\"none\"/>\n",
                              path->str, x_of (&s, points[n - 1].day + 1), H - BOTTOM,
                              x_of (&s, points[0].day), H - BOTTOM);
      g_string_append_printf (out,
                              "<path d=\"%s\" fill=\"none\" stroke=\"#c62828\" "
                              "stroke-width=\"2\"/>\n",
                              path->str);
    }
  /* the projection, dashed, from today's count to zero */
  if (n > 0 && policy->projected_zero != G_MININT64 && !policy->zero_reached)
    {
      gint64 end = MIN (policy->projected_zero, s.day1);
      gdouble x0 = x_of (&s, points[n - 1].day + 1),
              y0 = y_of (&s, points[n - 1].hosts_with_findings);
      gdouble fraction = (gdouble) (end - points[n - 1].day - 1)
                         / (gdouble) MAX (policy->projected_zero - points[n - 1].day - 1, 1);
      gdouble x1 = x_of (&s, end), y1 = y0 + (y_of (&s, 0) - y0) * CLAMP (fraction, 0, 1);

      g_string_append_printf (out,
                              "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                              "stroke=\"#1565c0\" stroke-width=\"2\" "
                              "stroke-dasharray=\"6 4\"/>\n",
                              x0, y0, x1, y1);
      g_string_append_printf (out,
                              "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" "
                              "text-anchor=\"end\" fill=\"#1565c0\">projected zero %s</text>\n",
                              MIN (x1, W - RIGHT), y_of (&s, 0) - 6,
                              po_fleet_day_format (policy->projected_zero, day));
    }
  /* the deadline */
  if (deadline != G_MININT64 && deadline >= s.day0 && deadline <= s.day1)
    {
      gdouble x = x_of (&s, deadline);

      g_string_append_printf (out,
                              "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                              "stroke=\"#000\" stroke-width=\"2\"/>\n",
                              x, TOP, x, H - BOTTOM);
      g_string_append_printf (out,
                              "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" "
                              "text-anchor=\"%s\" fill=\"#000\">deadline %s</text>\n",
                              x + (x > W / 2 ? -4 : 4), TOP + 10, x > W / 2 ? "end" : "start",
                              policy->deadline);
    }
  g_string_append_printf (out,
                          "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"#444\">"
                          "hosts with findings, per day (UTC)</text>\n",
                          LEFT, H - 8);
  g_string_append (out, "</svg>\n");
}

void
po_fleet_svg_status_bar (const PoFleetPolicyReport *policy, GString *out)
{
  const gdouble width = W, height = 26;
  gdouble x = 0;

  g_string_append_printf (
    out,
    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" "
    "height=\"%.0f\" role=\"img\" aria-label=\"Hosts by status\">\n",
    width, height, width, height);
  g_string_append_printf (out,
                          "<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" "
                          "fill=\"#eeeeee\"/>\n",
                          width, height);
  for (guint b = 0; b < PO_FLEET_BUCKET_N && policy->hosts_total > 0; b++)
    {
      gdouble w = width * policy->hosts[b] / policy->hosts_total;

      if (policy->hosts[b] == 0)
        continue;
      g_string_append_printf (out,
                              "<rect x=\"%.2f\" y=\"0\" width=\"%.2f\" height=\"%.0f\" "
                              "fill=\"%s\"><title>%s: %u</title></rect>\n",
                              x, w, height, po_fleet_bucket_colour (b),
                              po_fleet_bucket_to_string (b), policy->hosts[b]);
      if (w > 40)
        g_string_append_printf (out,
                                "<text x=\"%.1f\" y=\"17\" font-size=\"12\" "
                                "fill=\"#fff\">%u</text>\n",
                                x + 5, policy->hosts[b]);
      x += w;
    }
  g_string_append (out, "</svg>\n");
}
