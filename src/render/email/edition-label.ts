import type { Period } from '../../domain/period.js';

// The label readers see in a digest's subject and heading (and so in its web copy, its feed item
// and the archive lists, which show the subject). It names what the edition covers, not its key:
// the weekly edition keyed by the week it is sent in holds the papers of the week before.
//
// Dates are UTC days: one edition is shared by subscribers in every zone whose local period has
// the same key, so no single reader's zone can name its window.

const DAY_MS = 86_400_000;
/** A window longer than this is a catch-up (or follows a gap): a daily label then says since when. */
const ONE_DAY_AND_A_HALF_MS = 36 * 3_600_000;

const dayFormat = new Intl.DateTimeFormat('en-GB', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});
const dayMonth = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const dayMonthYear = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});

/** Where the papers an edition holds were first seen: after `start`, up to `cutoff` (ISO instants). */
export interface EditionWindow {
  start: string;
  cutoff: string;
}

/** The UTC midnight nearest to an instant (a tie, at noon, goes to the earlier one). */
function nearestMidnight(at: number): number {
  const floor = Math.floor(at / DAY_MS) * DAY_MS;
  return at - floor > DAY_MS / 2 ? floor + DAY_MS : floor;
}

/**
 * The days a window covers: its edges rounded to the nearest midnight, so a window from Monday
 * 08:00 to Monday 08:00 is Monday to Sunday. Consecutive editions then name consecutive days,
 * each day once; a label is never more than 12 hours off its window, and never names a day later
 * than the one it is sent on, in any zone.
 */
function coveredDays(window: EditionWindow): { first: Date; last: Date } {
  const first = nearestMidnight(Date.parse(window.start));
  const last = nearestMidnight(Date.parse(window.cutoff)) - DAY_MS;
  // A window of a few hours around one midnight: the day it ends on.
  if (last < first) {
    const day = Math.floor((Date.parse(window.cutoff) - 1) / DAY_MS) * DAY_MS;
    return { first: new Date(day), last: new Date(day) };
  }
  return { first: new Date(first), last: new Date(last) };
}

/** "23–29 Nov 2026", "30 Nov – 6 Dec 2026", "28 Dec 2026 – 3 Jan 2027", or one day: "29 Nov 2026". */
function dayRange(first: Date, last: Date): string {
  if (first.getTime() === last.getTime()) return dayMonthYear.format(last);
  if (first.getUTCFullYear() !== last.getUTCFullYear())
    return `${dayMonthYear.format(first)} – ${dayMonthYear.format(last)}`;
  if (first.getUTCMonth() !== last.getUTCMonth()) return `${dayMonth.format(first)} – ${dayMonthYear.format(last)}`;
  return `${first.getUTCDate()}–${dayMonthYear.format(last)}`;
}

/**
 * What an edition is called where readers see it.
 * - Weekly: the days its papers were first seen in: "Week of 23–29 Nov 2026" for a week, or the
 *   whole span for a catch-up or an edition after a gap ("16–29 Nov 2026").
 * - Daily: the date of the edition, the day it goes out in the subscribers' zone (as a newspaper
 *   is dated), e.g. "Thursday, 26 November 2026"; it holds the papers of the day before it. A
 *   catch-up, covering more than that, also says since when (the first day it covers, as for a
 *   week): "… · since 23 Nov".
 */
export function editionLabel(period: Period, window: EditionWindow): string {
  // A planning run labels thousands of editions (each reader's own) of a few windows: each label is
  // formatted once (Intl formatting took a tenth of building a view). Kept small: labels of old
  // windows are not asked again.
  const key = `${period.kind}|${period.start.getTime()}|${window.start}|${window.cutoff}`;
  let label = labels.get(key);
  if (label === undefined) {
    if (labels.size >= LABELS_KEPT) labels.clear();
    labels.set(key, (label = formatLabel(period, window)));
  }
  return label;
}

const LABELS_KEPT = 1000;
const labels = new Map<string, string>();

function formatLabel(period: Period, window: EditionWindow): string {
  if (period.kind === 'day') {
    const date = dayFormat.format(period.start);
    const longer = Date.parse(window.cutoff) - Date.parse(window.start) > ONE_DAY_AND_A_HALF_MS;
    return longer ? `${date} · since ${dayMonth.format(coveredDays(window).first)}` : date;
  }
  const { first, last } = coveredDays(window);
  const aWeek = last.getTime() - first.getTime() === 6 * DAY_MS;
  return aWeek ? `Week of ${dayRange(first, last)}` : dayRange(first, last);
}

/** A day (YYYY-MM-DD, or an ISO instant: its UTC day) as readers see it: "21 Mar 2024". */
export function dayLabel(day: string): string {
  return dayMonthYear.format(new Date(`${day.slice(0, 10)}T00:00:00Z`));
}

/** Papers dated this long before an edition's window are old news, whatever day they reached Paperboy. */
const OLD_NEWS_MS = 7 * DAY_MS;

/**
 * When the sources date every paper of an edition (the day arXiv published it, or Daily Papers
 * featured it) well before its window, the days they name ("21 Mar 2024", "19–21 Mar 2024"): an
 * old page ingested today is not today's new papers. Undefined when any paper is undated, or
 * recent.
 */
export function sourceDays(days: readonly (string | undefined)[], window: EditionWindow): string | undefined {
  if (days.length === 0 || days.some((d) => !d)) return undefined;
  const sorted = (days as string[]).map((d) => d.slice(0, 10)).sort();
  const first = new Date(`${sorted[0]}T00:00:00Z`);
  const last = new Date(`${sorted.at(-1)}T00:00:00Z`);
  if (Date.parse(window.start) - last.getTime() <= OLD_NEWS_MS) return undefined;
  return dayRange(first, last);
}
