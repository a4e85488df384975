import { describe, expect, it } from 'vitest';
import { periodContaining } from '../../src/domain/period.js';
import { editionLabel, sourceDays } from '../../src/render/email/edition-label.js';

const week = (at: string) => periodContaining('week', new Date(at));
const day = (at: string) => periodContaining('day', new Date(at));

describe('edition labels', () => {
  it('name the days a weekly window covers, its edges taken to the nearest UTC midnight', () => {
    const w = (start: string, cutoff: string) => editionLabel(week(cutoff), { start, cutoff });
    expect(w('2026-11-23T08:00:00Z', '2026-11-30T08:00:00Z')).toBe('Week of 23–29 Nov 2026');
    // Tokyo's Monday 08:00 is Sunday 23:00 UTC: still the week Monday to Sunday.
    expect(w('2026-11-22T23:00:00Z', '2026-11-29T23:00:00Z')).toBe('Week of 23–29 Nov 2026');
    expect(w('2026-11-30T08:00:00Z', '2026-12-07T08:00:00Z')).toBe('Week of 30 Nov – 6 Dec 2026');
    expect(w('2026-12-28T08:00:00Z', '2027-01-04T08:00:00Z')).toBe('Week of 28 Dec 2026 – 3 Jan 2027');
    // A catch-up, or an edition after a gap, names its whole span; a short one its day.
    expect(w('2026-11-09T08:00:00Z', '2026-11-30T08:00:00Z')).toBe('9–29 Nov 2026');
    expect(w('2026-11-26T08:00:00Z', '2026-11-30T08:00:00Z')).toBe('26–29 Nov 2026');
    expect(w('2026-11-30T06:00:00Z', '2026-11-30T08:00:00Z')).toBe('30 Nov 2026');
  });

  it('date a daily edition by its day, and a longer one also since when', () => {
    expect(
      editionLabel(day('2026-11-26T08:00:00Z'), { start: '2026-11-25T08:00:00Z', cutoff: '2026-11-26T08:00:00Z' }),
    ).toBe('Thursday, 26 November 2026');
    expect(
      editionLabel(day('2026-11-26T08:00:00Z'), { start: '2026-11-23T08:00:00Z', cutoff: '2026-11-26T08:00:00Z' }),
    ).toBe('Thursday, 26 November 2026 · since 23 Nov');
  });

  it("name the days the sources date an edition's papers with, only when all are dated well before its window", () => {
    const window = { start: '2026-12-01T08:00:00Z', cutoff: '2026-12-02T08:00:00Z' };
    // A page of 21 March ingested in December: not today's papers.
    expect(sourceDays(['2024-03-21', '2024-03-21'], window)).toBe('21 Mar 2024');
    expect(sourceDays(['2024-03-21', '2024-03-19T17:59:58.000Z'], window)).toBe('19–21 Mar 2024');
    // One paper of this week, or one undated: the edition's papers are new.
    expect(sourceDays(['2024-03-21', '2026-11-30T17:59:58.000Z'], window)).toBeUndefined();
    expect(sourceDays(['2024-03-21', undefined], window)).toBeUndefined();
    expect(sourceDays(['2026-11-25'], window)).toBeUndefined();
    expect(sourceDays([], window)).toBeUndefined();
  });
});
