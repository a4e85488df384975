import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { latestDayOn, parseDailyPage } from '../../src/ingest/daily-page.js';
import { detectFormat, parsePapers } from '../../src/ingest/formats.js';
import { SAMPLE_PAGE } from '../helpers/env.js';
import { parseError } from '../helpers/errors.js';

const real = readFileSync(SAMPLE_PAGE, 'utf8');

/** A small page in the real layout: five header lines, then title/abstract pairs, blank lines between. */
function page(...lines: string[]): string {
  return [
    'new',
    'Get trending papers in your email inbox!',
    'Subscribe',
    'byAK and the research community',
    'Mar 21',
    ...lines,
  ].join('\n\n');
}
const ABSTRACT = 'We propose a method and show that it works well on several benchmarks of interest.';

/**
 * The real page with paper `lost`'s abstract deleted and `stray` inserted just before the line
 * of paper `strayAt` (`title` or `abstract`), as a hand-edited or badly copied page would be.
 */
function mutated(lost: number, stray: string, strayAt: number, before: 'title' | 'abstract') {
  const lines = real.split('\n');
  const filled = lines.flatMap((l, i) => (l.trim() ? [i] : [])).slice(5);
  const strayIndex = filled[strayAt * 2 + (before === 'title' ? 0 : 1)] as number;
  const lostIndex = filled[lost * 2 + 1] as number;
  const edited = lines.flatMap((l, i) => (i === lostIndex ? [] : i === strayIndex ? [stray, '', l] : [l]));
  const text = edited.join('\n');
  /** The 1-based line of a text in the edited page. */
  const lineOf = (needle: string) => edited.indexOf(needle) + 1;
  return { text, lineOf };
}

describe('Daily Papers page', () => {
  it('reads all 103 papers of the real page, header excluded', () => {
    const { papers, warnings } = parseDailyPage(real, 'seed.txt');
    expect(warnings).toEqual([]);
    expect(papers).toHaveLength(103);
    expect(papers[0]?.title).toBe(
      'SMILe: Leveraging Submodular Mutual Information For Robust Few-Shot Object Detection',
    );
    expect(papers[0]?.abstract).toMatch(/^Confusion and forgetting of object classes/);
    expect(papers.at(-1)?.title).toMatch(/PockEngine/);
    expect(papers.map((p) => p.title)).not.toContain('Subscribe');
    expect(papers.every((p) => p.abstract.length > 1000)).toBe(true);
  });

  it('is detected from its content, whatever the file is called', () => {
    expect(detectFormat(real, 'whatever.json')).toBe('daily-page');
    expect(parsePapers(real, 'x')).toHaveLength(103);
  });

  it('accepts Windows line endings and missing blank lines', () => {
    const text = page('Title one', ABSTRACT).replace(/\n\n/g, '\r\n');
    // "Mar 21" and no year in the file's name: the ingest dates the papers.
    expect(parseDailyPage(text, 'crlf.txt')).toEqual({
      papers: [{ title: 'Title one', abstract: ABSTRACT, authors: [] }],
      warnings: [],
      undatedDay: '03-21',
    });
  });

  it('names the line of a paper whose abstract is missing at the end (a truncated page)', () => {
    const text = page('Title one', ABSTRACT, 'Title two');
    const err = parseError(() => parseDailyPage(text, 'cut.txt'));
    expect(err.message).toBe(
      'cut.txt:15: the paper "Title two" has no abstract: the page looks truncated (field abstract)',
    );
    expect(err.line).toBe(15);
  });

  it('names the line where titles and abstracts fall out of step, and keeps only the certain papers', () => {
    // "Title two" lost its abstract: the next abstract may be its or "Title three"'s.
    const text = page('Title one', ABSTRACT, 'Title two', 'Title three', 'x'.repeat(400), 'Title four', ABSTRACT);
    const { papers, warnings } = parseDailyPage(text, 'shifted.txt');
    expect(papers.map((p) => p.title)).toEqual(['Title one', 'Title four']);
    expect(warnings).toEqual([
      "shifted.txt:15: 2 title lines in a row (lines 15, 17) before the abstract at line 19: an abstract is missing or a line is stray, so the abstract's title is not certain; 3 lines skipped, no paper stored from them",
    ]);
  });

  describe('a real page with one abstract deleted and one stray line inserted', () => {
    const truth = new Map(parseDailyPage(real, 'seed.txt').papers.map((p) => [p.title, p.abstract]));
    const titleOf = (i: number) => parseDailyPage(real, 'seed.txt').papers[i]?.title as string;
    const cases = [
      // Where a pair-by-pair reading would store paper 10 with paper 11's title as its abstract, and the stray line with paper 11's abstract.
      {
        name: 'a title-like line between the next title and its abstract',
        lost: 10,
        stray: 'Upvote 42',
        strayAt: 11,
        before: 'abstract' as const,
        stored: 101,
        warnings: 1,
      },
      {
        name: 'a title-like line far below',
        lost: 10,
        stray: 'Submitted by akhaliq',
        strayAt: 50,
        before: 'title' as const,
        stored: 100,
        warnings: 2,
      },
      {
        name: 'a line of no words',
        lost: 30,
        stray: '42',
        strayAt: 60,
        before: 'abstract' as const,
        stored: 101,
        warnings: 2,
      },
      {
        name: 'a stray paragraph',
        lost: 70,
        stray: ABSTRACT.repeat(5),
        strayAt: 20,
        before: 'title' as const,
        stored: 101,
        warnings: 2,
      },
    ];
    for (const c of cases) {
      it(`stores only papers whose abstract is their own, and names the lines left out: ${c.name}`, () => {
        const { text, lineOf } = mutated(c.lost, c.stray, c.strayAt, c.before);
        const { papers, warnings } = parseDailyPage(text, 'edited.txt');
        for (const p of papers) expect(p.abstract, p.title).toBe(truth.get(p.title));
        expect(papers).toHaveLength(c.stored);
        expect(papers.map((p) => p.title)).not.toContain(titleOf(c.lost));
        expect(warnings).toHaveLength(c.warnings);
        // The title that lost its abstract and the stray line are both named by their line.
        expect(warnings.join('\n')).toContain(`edited.txt:${lineOf(titleOf(c.lost))}: `);
        const named = warnings.flatMap((w) =>
          [...w.matchAll(/(?:edited\.txt:|lines? |, )(\d+)\b/g)].map((m) => Number(m[1])),
        );
        expect(named).toContain(lineOf(c.stray));
      });
    }
  });

  it('refuses a page whose titles are paragraphs, or most of whose lines do not pair up', () => {
    const err = parseError(() => parseDailyPage(page('y'.repeat(500), ABSTRACT), 'long.txt'));
    expect(err.message).toMatch(/^long\.txt:11: expected a paper title, found a 500-character paragraph/);
    const titlesOnly = page(
      'Title one',
      ABSTRACT,
      'Title two',
      'Title three',
      'Title four',
      'Title five',
      'Title six',
      ABSTRACT,
    );
    expect(parseError(() => parseDailyPage(titlesOnly, 'titles.txt')).message).toBe(
      "titles.txt:15: titles and abstracts do not alternate: 6 of 8 lines do not pair up, the first here (5 title lines in a row (lines 15, 17, 19, 21, 23) before the abstract at line 25: an abstract is missing or a line is stray, so the abstract's title is not certain)",
    );
  });

  it('refuses an empty file, a header without papers and text that is no Daily Papers page', () => {
    expect(parseError(() => parseDailyPage('', 'empty.txt')).message).toBe('empty.txt: the file is empty');
    expect(parseError(() => parseDailyPage(' \n\n \n', 'blank.txt')).message).toBe('blank.txt: the file is empty');
    expect(parseError(() => parseDailyPage(page(), 'header.txt')).message).toBe(
      'header.txt: the page has a header but no papers',
    );
    expect(parseError(() => parseDailyPage('hello\nworld\n', 'other.txt')).message).toMatch(
      /^other\.txt:1: not a Daily Papers page/,
    );
    expect(parseError(() => parsePapers('hello\nworld\n', 'other.txt')).message).toMatch(
      /^other\.txt:1: unknown format/,
    );
  });

  it("dates its papers with the page's day, the year taken from a file name that agrees, else left to the ingest", () => {
    const dated = parseDailyPage(real, 'data/sample/daily-papers-2024-03-21.txt');
    expect(dated.papers.every((p) => p.featuredOn === '2024-03-21')).toBe(true);
    expect(dated).not.toHaveProperty('undatedDay');
    // A name with another day is not believed.
    const other = parseDailyPage(real, 'daily-papers-2024-03-22.txt');
    expect(other.papers.some((p) => p.featuredOn)).toBe(false);
    expect(other.undatedDay).toBe('03-21');
    // The latest such day up to now: this year's once it has come, else last year's.
    expect(latestDayOn('03-21', new Date('2026-11-25T06:00:00Z'))).toBe('2026-03-21');
    expect(latestDayOn('03-21', new Date('2026-03-21T00:30:00Z'))).toBe('2026-03-21');
    expect(latestDayOn('12-31', new Date('2026-11-25T06:00:00Z'))).toBe('2025-12-31');
    expect(latestDayOn('02-29', new Date('2026-11-25T06:00:00Z'))).toBe('2024-02-29');
  });
});
