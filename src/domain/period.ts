import { InvalidInputError } from './errors.js';

export type PeriodKind = 'day' | 'week';

/** A calendar period in UTC: [start, end). Time zones per subscriber come with scheduling. */
export interface Period {
  kind: PeriodKind;
  /** `2026-11-25` for a day, `2026-W48` for an ISO week. */
  key: string;
  start: Date;
  end: Date;
}

const DAY_MS = 86_400_000;

export function parsePeriodKind(raw: string): PeriodKind {
  if (raw === 'day' || raw === 'week') return raw;
  throw new InvalidInputError(`unknown period "${raw}": use day or week`);
}

/** The period of the given kind that contains `at`. */
export function periodContaining(kind: PeriodKind, at: Date): Period {
  const dayStart = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  if (kind === 'day') {
    return {
      kind,
      key: dayStart.toISOString().slice(0, 10),
      start: dayStart,
      end: new Date(dayStart.getTime() + DAY_MS),
    };
  }
  const isoWeekday = (dayStart.getUTCDay() + 6) % 7; // Monday = 0
  const start = new Date(dayStart.getTime() - isoWeekday * DAY_MS);
  // The ISO week-numbering year is the year of the week's Thursday.
  const thursday = new Date(start.getTime() + 3 * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1;
  return { kind, key: `${year}-W${String(week).padStart(2, '0')}`, start, end: new Date(start.getTime() + 7 * DAY_MS) };
}

/** Parses an ISO 8601 time given on the command line or in a request. */
export function parseInstant(raw: string): Date {
  const at = new Date(raw);
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(at.getTime())) {
    throw new InvalidInputError(`invalid time "${raw}": use ISO 8601, e.g. 2026-11-25T08:00:00Z`);
  }
  return at;
}
