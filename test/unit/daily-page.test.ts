import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDailyPage } from '../../src/ingest/daily-page.js';
import { detectFormat, parsePapers } from '../../src/ingest/formats.js';
import { SAMPLE_PAGE } from '../helpers/env.js';
import { parseError } from '../helpers/errors.js';

const real = readFileSync(SAMPLE_PAGE, 'utf8');

/** A small page in the real layout: five header lines, then title/abstract pairs, blank lines between. */
function page(...lines: string[]): string {
  return ['new', 'Get trending papers in your email inbox!', 'Subscribe', 'byAK and the research community', 'Mar 21', ...lines].join(
    '\n\n',
  );
}
const ABSTRACT = 'We propose a method and show that it works well on several benchmarks of interest.';

describe('Daily Papers page', () => {
  it('reads all 103 papers of the real page, header excluded', () => {
    const papers = parseDailyPage(real, 'seed.txt');
    expect(papers).toHaveLength(103);
    expect(papers[0]?.title).toBe('SMILe: Leveraging Submodular Mutual Information For Robust Few-Shot Object Detection');
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
    expect(parseDailyPage(text, 'crlf.txt')).toEqual([{ title: 'Title one', abstract: ABSTRACT, authors: [] }]);
  });

  it('names the line of a paper whose abstract is missing at the end (a truncated page)', () => {
    const text = page('Title one', ABSTRACT, 'Title two');
    const err = parseError(() => parseDailyPage(text, 'cut.txt'));
    expect(err.message).toBe('cut.txt:15: the paper "Title two" has no abstract: the page looks truncated (field abstract)');
    expect(err.line).toBe(15);
  });

  it('names the line where titles and abstracts fall out of step', () => {
    // "Title two" lost its abstract, so the next abstract is read where a title should be.
    const text = page('Title one', ABSTRACT, 'Title two', 'Title three', 'x'.repeat(400), 'Title four', ABSTRACT);
    const err = parseError(() => parseDailyPage(text, 'shifted.txt'));
    expect(err.message).toMatch(/^shifted\.txt:17: expected the abstract of "Title two", found a 11-character line/);
  });

  it('refuses a page whose titles are paragraphs', () => {
    const err = parseError(() => parseDailyPage(page('y'.repeat(500), ABSTRACT), 'long.txt'));
    expect(err.message).toMatch(/^long\.txt:11: expected a paper title, found a 500-character paragraph/);
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
    expect(parseError(() => parsePapers('hello\nworld\n', 'other.txt')).message).toMatch(/^other\.txt:1: unknown format/);
  });
});
