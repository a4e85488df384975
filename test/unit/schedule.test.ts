import { describe, expect, it } from 'vitest';
import { currentDuePeriod, isDue, nextDuePeriod, stillWorthSending } from '../../src/domain/schedule.js';
import { localParts, zonedTimeToUtc } from '../../src/domain/zoned-time.js';

const iso = (d: Date) => d.toISOString();

describe('zoned time', () => {
  it('finds the instant of a local hour, across zones and DST', () => {
    expect(iso(zonedTimeToUtc(2026, 11, 25, 8, 'Europe/Berlin'))).toBe('2026-11-25T07:00:00.000Z');
    expect(iso(zonedTimeToUtc(2026, 7, 1, 8, 'Europe/Berlin'))).toBe('2026-07-01T06:00:00.000Z');
    expect(iso(zonedTimeToUtc(2026, 11, 25, 8, 'Asia/Kolkata'))).toBe('2026-11-25T02:30:00.000Z');
    expect(iso(zonedTimeToUtc(2026, 11, 25, 8, 'Pacific/Kiritimati'))).toBe('2026-11-24T18:00:00.000Z'); // UTC+14
    expect(iso(zonedTimeToUtc(2026, 11, 25, 8, 'Pacific/Pago_Pago'))).toBe('2026-11-25T19:00:00.000Z'); // UTC-11
    // 02:00 on 29 March 2026 does not exist in Berlin: the clock jumps to 03:00.
    expect(iso(zonedTimeToUtc(2026, 3, 29, 2, 'Europe/Berlin'))).toBe('2026-03-29T01:00:00.000Z');
    // 02:00 on 25 October 2026 happens twice in Berlin: the first one counts.
    expect(iso(zonedTimeToUtc(2026, 10, 25, 2, 'Europe/Berlin'))).toBe('2026-10-25T00:00:00.000Z');
  });

  it('reads the local date and weekday', () => {
    expect(localParts(new Date('2026-11-24T23:30:00Z'), 'Asia/Tokyo')).toMatchObject({
      year: 2026,
      month: 11,
      day: 25,
      hour: 8,
      weekday: 3,
    });
  });
});

describe('due periods', () => {
  it('daily: the local day and its send hour', () => {
    const due = currentDuePeriod('daily', 'Asia/Tokyo', 8, new Date('2026-11-24T23:30:00Z'));
    expect(due.period.key).toBe('2026-11-25');
    expect(iso(due.sendAt)).toBe('2026-11-24T23:00:00.000Z');
  });

  it('weekly: the local ISO week, sent on Monday at the hour', () => {
    const due = currentDuePeriod('weekly', 'America/New_York', 7, new Date('2026-11-25T12:00:00Z'));
    expect(due.period.key).toBe('2026-W48');
    expect(iso(due.sendAt)).toBe('2026-11-23T12:00:00.000Z');
    // Sunday evening in New York is already Monday in UTC, but still last week locally.
    expect(currentDuePeriod('weekly', 'America/New_York', 7, new Date('2026-11-30T03:00:00Z')).period.key).toBe(
      '2026-W48',
    );
  });
});

describe('next sends and lateness', () => {
  it('steps to the next local day or week, across a DST change', () => {
    const now = currentDuePeriod('daily', 'Europe/Berlin', 8, new Date('2026-03-28T12:00:00Z'));
    const next = nextDuePeriod('daily', 'Europe/Berlin', 8, now);
    expect(next.period.key).toBe('2026-03-29');
    expect(iso(next.sendAt)).toBe('2026-03-29T06:00:00.000Z'); // summer time began that night
    const week = currentDuePeriod('weekly', 'Asia/Kolkata', 9, new Date('2026-11-25T12:00:00Z'), 3);
    expect(iso(week.sendAt)).toBe('2026-11-25T03:30:00.000Z'); // Wednesday as the send day
    expect(iso(nextDuePeriod('weekly', 'Asia/Kolkata', 9, week, 3).sendAt)).toBe('2026-12-02T03:30:00.000Z');
  });

  it('skips a period only when it is later than allowed', () => {
    const due = currentDuePeriod('daily', 'UTC', 8, new Date('2026-11-25T20:00:00Z'));
    expect(stillWorthSending(due, new Date('2026-11-25T20:00:00Z'), undefined)).toBe(true);
    expect(stillWorthSending(due, new Date('2026-11-25T20:00:00Z'), 12)).toBe(true);
    expect(stillWorthSending(due, new Date('2026-11-25T20:00:01Z'), 12)).toBe(false);
  });

  it('makes a new subscriber wait for the first send time after they confirmed', () => {
    const due = currentDuePeriod('weekly', 'America/New_York', 7, new Date('2026-10-19T00:00:00Z'));
    expect(due.period.key).toBe('2026-W42'); // still Sunday evening in New York
    expect(isDue(due, new Date('2026-10-19T00:00:00Z'), null)).toBe(true);
    expect(isDue(due, new Date('2026-10-19T00:00:00Z'), '2026-10-18T23:00:00.000Z')).toBe(false);
    expect(isDue(due, new Date('2026-10-19T00:00:00Z'), '2026-10-12T10:59:59.000Z')).toBe(true);
  });
});
