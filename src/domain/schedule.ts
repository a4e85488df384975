import type { Frequency } from './subscriber.js';
import { periodContaining, type Period } from './period.js';
import { localParts, zonedTimeToUtc } from './zoned-time.js';

/** When a subscriber's edition of a period is due, and which period that is. */
export interface DuePeriod {
  /** The calendar period in the subscriber's zone, keyed like UTC periods (`2026-11-25`, `2026-W48`). */
  period: Period;
  sendAt: Date;
}

/** ISO weekday the weekly digest goes out (Monday). */
const WEEKLY_SEND_DAY = 1;

/**
 * The subscriber's current local period and the instant its digest is due: the local send hour
 * of the local day (daily), or of the week's send day (weekly).
 */
export function currentDuePeriod(
  frequency: Frequency,
  timeZone: string,
  sendHour: number,
  at: Date,
  sendDay: number = WEEKLY_SEND_DAY,
): DuePeriod {
  const local = localParts(at, timeZone);
  // The local calendar date, as a UTC midnight, names the period the same way everywhere.
  return dueForLocalDate(
    frequency,
    new Date(Date.UTC(local.year, local.month - 1, local.day)),
    timeZone,
    sendHour,
    sendDay,
  );
}

/**
 * Whether a subscriber's edition of a period may go out: its send time has come, and it is not a
 * send time from before they confirmed. A new subscriber's first digest is the first one due after
 * confirming, so nobody gets last week's edition minutes after signing up.
 */
export function isDue(due: DuePeriod, at: Date, confirmedAt: string | null): boolean {
  return due.sendAt <= at && (confirmedAt === null || due.sendAt.getTime() >= Date.parse(confirmedAt));
}

/** The period after the given one, and when it is due. */
export function nextDuePeriod(
  frequency: Frequency,
  timeZone: string,
  sendHour: number,
  current: DuePeriod,
  sendDay: number = WEEKLY_SEND_DAY,
): DuePeriod {
  return dueForLocalDate(frequency, current.period.end, timeZone, sendHour, sendDay);
}

function dueForLocalDate(
  frequency: Frequency,
  localDate: Date,
  timeZone: string,
  sendHour: number,
  sendDay: number,
): DuePeriod {
  const period = periodContaining(frequency === 'daily' ? 'day' : 'week', localDate);
  const sendDate = frequency === 'daily' ? period.start : new Date(period.start.getTime() + (sendDay - 1) * 86_400_000);
  return {
    period,
    sendAt: zonedTimeToUtc(
      sendDate.getUTCFullYear(),
      sendDate.getUTCMonth() + 1,
      sendDate.getUTCDate(),
      sendHour,
      timeZone,
    ),
  };
}

/**
 * Whether a period that came due is still worth sending: always, unless `maxLateHours` is set and
 * the send time is further back than that (then its papers go into the next edition instead).
 */
export function stillWorthSending(due: DuePeriod, at: Date, maxLateHours: number | undefined): boolean {
  return maxLateHours === undefined || at.getTime() - due.sendAt.getTime() <= maxLateHours * 3_600_000;
}
