import { describe, expect, it } from 'vitest';
import { ParseError } from '../../src/domain/errors.js';
import { normalisePaperInput } from '../../src/domain/paper.js';
import { detectFormat } from '../../src/ingest/formats.js';
import { parsePaperboyJson } from '../../src/ingest/paperboy-json.js';

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ParseError);
    return (err as Error).message;
  }
  throw new Error('expected an error');
}

describe('Paperboy JSON', () => {
  it('reads an object with papers, authors as strings or {name}', () => {
    const text = JSON.stringify({
      papers: [
        {
          title: 'One',
          abstract: 'A.',
          authors: ['Ada'],
          arxivId: '2403.01234v2',
          url: 'https://arxiv.org/abs/2403.01234',
        },
        { title: 'Two', authors: [{ name: 'Grace' }], publishedAt: '2024-03-21T00:00:00Z' },
      ],
    });
    expect(detectFormat(text, 'p.json')).toBe('json');
    const papers = parsePaperboyJson(text, 'p.json');
    expect(papers[0]).toMatchObject({ title: 'One', authors: ['Ada'], arxivId: '2403.01234v2' });
    expect(papers[1]).toMatchObject({
      title: 'Two',
      abstract: '',
      authors: ['Grace'],
      publishedAt: '2024-03-21T00:00:00Z',
    });
  });

  it('reads a bare array', () => {
    expect(parsePaperboyJson('[{"title":"Only"}]', 'a.json')).toHaveLength(1);
  });

  it('names the line and field of an invalid paper', () => {
    const text = '{\n  "papers": [\n    {"title": "Fine"},\n    {\n      "abstract": "no title"\n    }\n  ]\n}\n';
    expect(messageOf(() => parsePaperboyJson(text, 'bad.json'))).toMatch(/^bad\.json:4: paper 2: .* \(field title\)$/);
  });

  it('names the line of a syntax error', () => {
    const text = '{\n  "papers": [\n    {"title": "Fine"},\n    {"title": }\n  ]\n}';
    expect(messageOf(() => parsePaperboyJson(text, 'broken.json'))).toMatch(/^broken\.json:4: invalid JSON/);
  });

  it('refuses JSON of another shape and a date that is not ISO 8601', () => {
    expect(messageOf(() => parsePaperboyJson('{"items": []}', 'x.json'))).toMatch(/expected an array of papers/);
    expect(messageOf(() => parsePaperboyJson('[{"title":"T","publishedAt":"yesterday"}]', 'd.json'))).toMatch(
      /^d\.json:1: paper 1: .*\(field publishedAt\)$/,
    );
  });

  it('drops links that are not http(s) and strips control characters when normalising', () => {
    const [raw] = parsePaperboyJson(
      JSON.stringify([{ title: 'Bad\u0007  title\u0000', url: 'javascript:alert(1)', authors: [' Ada ', 'Ada'] }]),
      'x.json',
    );
    const clean = normalisePaperInput(raw!);
    expect(clean.title).toBe('Bad title');
    expect(clean.url).toBeUndefined();
    expect(clean.authors).toEqual(['Ada']);
  });
});
