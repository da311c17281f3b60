/* SPDX-License-Identifier: Apache-2.0 */
/*
 * When does the burn-down reach zero at the current rate?  A least-squares
 * line through the last trend_days days (PO_FLEET_TREND_DAYS, two weeks:
 * long enough to smooth a weekend without reporting, short enough that a
 * removal campaign shows within days); where it crosses zero is the
 * projected day.  A flat or rising trend projects nothing.
 */
#include <math.h>

#include "po-fleet-internal.h"

gint64
po_fleet_projection_zero (const PoFleetBurnPoint *points, guint n_points, guint trend_days)
{
  const PoFleetBurnPoint *last;
  guint first, n;
  gdouble mean_x = 0, mean_y = 0, sxx = 0, sxy = 0, slope, intercept, zero;

  if (n_points == 0)
    return G_MININT64;
  last = &points[n_points - 1];
  if (last->hosts_with_findings == 0)
    {
      /* already there: the first day of the final run of zeros */
      guint i = n_points - 1;
      while (i > 0 && points[i - 1].hosts_with_findings == 0)
        i--;
      return points[i].day;
    }
  first = n_points > trend_days ? n_points - trend_days : 0;
  n = n_points - first;
  if (n < 2)
    return G_MININT64;
  /* x relative to the last day keeps the sums small */
  for (guint i = first; i < n_points; i++)
    {
      mean_x += (gdouble) (points[i].day - last->day);
      mean_y += points[i].hosts_with_findings;
    }
  mean_x /= n;
  mean_y /= n;
  for (guint i = first; i < n_points; i++)
    {
      gdouble dx = (gdouble) (points[i].day - last->day) - mean_x;
      sxx += dx * dx;
      sxy += dx * (points[i].hosts_with_findings - mean_y);
    }
  if (sxx <= 0)
    return G_MININT64;
  slope = sxy / sxx;
  if (!(slope < -1e-9))
    return G_MININT64;
  intercept = mean_y - slope * mean_x;
  zero = ceil (-intercept / slope - 1e-9);
  /* a line already below zero still has hosts left today: tomorrow at best */
  if (zero < 1)
    zero = 1;
  if (zero > 365.0 * 1000)
    return G_MININT64;
  return last->day + (gint64) zero;
}
