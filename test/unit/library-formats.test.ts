import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBibtex } from '../../src/ingest/library/bibtex.js';
import { arxivIdIn } from '../../src/ingest/library/entry.js';
import { parseLibrary } from '../../src/ingest/library/formats.js';
import { parsePastedIds } from '../../src/ingest/library/pasted.js';
import { parseRis } from '../../src/ingest/library/ris.js';
import { parseZoteroCsv } from '../../src/ingest/library/zotero-csv.js';
import { FIXTURES } from '../helpers/env.js';

const fixture = (name: string) => readFileSync(`${FIXTURES}library/${name}`, 'utf8');

describe('pasted arXiv ids', () => {
  it('reads ids, versions, old-style ids and abs/pdf links, each once, and lists what is not an id', () => {
    const pasted = parsePastedIds(
      '2401.01234v2, https://arxiv.org/abs/2401.01234\nhttp://arxiv.org/pdf/2402.05555v3.pdf hep-th/9901001v1\n' +
        'arXiv:2403.12345  <https://export.arxiv.org/abs/2404.00001>\n\nnot-an-id 10.1145/1234',
    );
    expect(pasted.ids).toEqual(['2401.01234', '2402.05555', 'hep-th/9901001', '2403.12345', '2404.00001']);
    expect(pasted.unreadable).toEqual([
      { text: 'not-an-id', line: 5 },
      { text: '10.1145/1234', line: 5 },
    ]);
  });

  it('finds arXiv ids where exports put them', () => {
    expect(arxivIdIn('arXiv preprint arXiv:2401.01234')).toBe('2401.01234');
    expect(arxivIdIn('https://doi.org/10.48550/arXiv.2312.00752')).toBe('2312.00752');
    expect(arxivIdIn('arXiv: hep-th/9901001v2')).toBe('hep-th/9901001');
    expect(arxivIdIn('2401.01234v3', true)).toBe('2401.01234');
    expect(arxivIdIn('2401.01234')).toBeUndefined(); // a bare number elsewhere than eprint could be anything
    expect(arxivIdIn('Proceedings of ICML 2024')).toBeUndefined();
  });
});

describe('BibTeX', () => {
  it('reads a real-looking export: braces, LaTeX accents, eprint, journal, url, note, DOI-only, @string and @comment', () => {
    const entries = parseBibtex(fixture('my-library.bib'), 'my-library.bib');
    expect(entries).toEqual([
      {
        line: 5,
        key: 'cai2019proxylessnas',
        title: 'ProxylessNAS: Direct Neural Architecture Search on Target Task and Hardware',
      },
      {
        line: 12,
        key: 'routing2024',
        title: 'Mixture-of-Depths Routing for Efficient Neural Architecture Search',
        arxivId: '2401.01234',
      },
      {
        line: 21,
        key: 'noether1999branes',
        title: 'Branes and Learning: A Note on Old-Style Identifiers',
        arxivId: 'hep-th/9901001',
      },
      {
        line: 28,
        key: 'robustifying2024',
        title: 'Robustifying and Boosting Training-Free Neural Architecture Search',
      },
      { line: 37, key: 'onlydoi', doi: '10.1145/3292500.3330701' },
      { line: 43, key: 'notstored2022', title: 'A Café Study of Naïve Baselines' },
      { line: 49, key: 'linked2024', title: 'Sparse Attention, Linked', arxivId: '2402.05555' },
    ]);
  });

  it('refuses an entry whose brace never closes, naming its line, and keeps nothing', () => {
    expect(() => parseBibtex(fixture('broken.bib'), 'broken.bib')).toThrow(
      'broken.bib:6: this entry is not closed: a } is missing (unbalanced braces?)',
    );
  });

  it('refuses a file that is not BibTeX', () => {
    expect(() => parseLibrary('notes.txt', 'just some words\n')).toThrow(
      'upload a BibTeX (.bib), RIS (.ris) or Zotero CSV (.csv) file',
    );
  });
});

describe('RIS', () => {
  it('reads records with multi-line values, links, notes and DOI-only records', () => {
    expect(parseRis(fixture('my-library.ris'), 'my-library.ris')).toEqual([
      {
        line: 1,
        key: 'cai2019',
        title: 'ProxylessNAS: Direct Neural Architecture Search on Target Task and Hardware',
      },
      {
        line: 9,
        title: 'Mixture-of-Depths Routing for Efficient Neural Architecture Search',
        arxivId: '2401.01234',
      },
      { line: 18, title: 'A Paper Known Only by Its DOI', doi: '10.1109/5.771073' },
      { line: 23, title: 'Branes and Learning', arxivId: 'hep-th/9901001' },
    ]);
  });

  it('refuses a record cut short (no ER line), naming where it starts', () => {
    expect(() => parseRis(fixture('broken.ris'), 'broken.ris')).toThrow(
      'broken.ris:5: the last record has no "ER  - " line',
    );
    expect(() => parseRis('AU  - Someone\nER  - \n', 'x.ris')).toThrow('x.ris:1: "AU  - " before any "TY  - "');
  });
});

describe('Zotero CSV', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks; ids from the DOI, Url or Extra', () => {
    expect(parseZoteroCsv(fixture('my-library.csv'), 'my-library.csv')).toEqual([
      {
        line: 3,
        key: 'ABCD1234',
        title: 'Mixture-of-Depths Routing for Efficient Neural Architecture Search',
        arxivId: '2401.01234',
        doi: '10.48550/arXiv.2401.01234',
      },
      {
        line: 4,
        key: 'EFGH5678',
        title: 'ProxylessNAS: Direct Neural Architecture Search on Target Task and Hardware',
      },
      { line: 5, key: 'IJKL9012', title: 'Only a DOI, and a title, with commas', doi: '10.1038/s41586-020-2649-2' },
    ]);
  });

  it('refuses a broken quote, naming the line, and a CSV that is not a Zotero export', () => {
    expect(() => parseZoteroCsv(fixture('broken.csv'), 'broken.csv')).toThrow(
      /^broken\.csv:\d+: not a readable CSV file/,
    );
    expect(() => parseZoteroCsv('email,topics\na@b.org,nas\n', 'subscribers.csv')).toThrow(
      'subscribers.csv:1: not a Zotero CSV export: no "Title" column',
    );
  });
});
