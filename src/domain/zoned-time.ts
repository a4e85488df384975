// Local time in IANA zones, from Intl alone: the wall-clock parts of an instant, and the instant
// of a wall-clock time. Pure: every function takes the time it works on.

export interface LocalParts {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  /** ISO weekday: Monday = 1 … Sunday = 7. */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock date and time of an instant in a zone. */
export function localParts(at: Date, timeZone: string): LocalParts {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(at)) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: WEEKDAYS[parts.weekday ?? ''] ?? 0,
  };
}

/** How far the zone's wall clock is ahead of UTC at an instant, in milliseconds. */
function offsetAt(at: Date, timeZone: string): number {
  const p = localParts(at, timeZone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
  return wall - Math.floor(at.getTime() / 60_000) * 60_000;
}

/**
 * The instant a wall-clock time happens in a zone. A time skipped by a DST change (02:30 on the
 * spring-forward night) is taken as the same time after the jump; a time that happens twice
 * (the autumn night) is its first occurrence.
 */
export function zonedTimeToUtc(year: number, month: number, day: number, hour: number, timeZone: string): Date {
  const wall = Date.UTC(year, month - 1, day, hour);
  // Two offsets around the guess cover a DST change between the guess and the answer.
  const candidates = [
    offsetAt(new Date(wall - 86_400_000 / 2), timeZone),
    offsetAt(new Date(wall + 86_400_000 / 2), timeZone),
  ];
  const fits = candidates
    .map((offset) => wall - offset)
    .filter((t) => {
      const p = localParts(new Date(t), timeZone);
      return Date.UTC(p.year, p.month - 1, p.day, p.hour) === wall;
    })
    .sort((a, b) => a - b);
  if (fits[0] !== undefined) return new Date(fits[0]);
  // In a gap: the wall time does not exist; the clock jumped past it by the offset difference.
  return new Date(wall - Math.min(...candidates));
}
