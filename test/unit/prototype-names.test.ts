import { describe, expect, it } from 'vitest';
import { latexToText } from '../../src/domain/latex.js';
import { normalisePaperInput } from '../../src/domain/paper.js';
import { parseQuery } from '../../src/domain/query.js';
import { analyse } from '../../src/domain/ranking/analyse.js';
import { createRanker } from '../../src/domain/ranking/ranker.js';
import { porterStem } from '../../src/domain/ranking/stem.js';
import { parseArxivRss } from '../../src/ingest/arxiv-rss.js';
import { parseXml, text } from '../../src/ingest/xml.js';
import { createFtsLexicalIndex } from '../../src/store/lexical-index.js';
import { paper } from '../helpers/factories.js';

// Words a paper may use that are also the names of what every plain object inherits.
const NAMES = [...new Set([...Object.getOwnPropertyNames(Object.prototype), '__proto__'])];
const LETTER_NAMES = NAMES.filter((n) => /^[A-Za-z]+$/.test(n));

describe("words that name Object.prototype's members", () => {
  it('are analysed into plain stems, like any other word', () => {
    expect(NAMES).toContain('constructor');
    for (const name of NAMES) {
      for (const form of [name, name.toLowerCase(), `${name}s`]) {
        expect(typeof porterStem(form.toLowerCase()), form).toBe('string');
        const { seq, whole } = analyse(`A type ${form} here`);
        for (const token of [...seq, ...whole]) expect(token, form).toMatch(/^[a-z0-9]+$/);
        expect(seq.length, form).toBeGreaterThan(1);
      }
    }
    expect(analyse('type constructors').seq).toEqual(['type', 'constructor']);
  });

  it('each find the paper that uses them, as a word and as a query, on the full-text engine', () => {
    const papers = NAMES.map((name) =>
      paper({ title: `The ${name} of a type`, abstract: `We call ${name} on every object.` }),
    );
    const ranker = createRanker(papers, createFtsLexicalIndex);
    NAMES.forEach((name, i) => {
      const ranked = ranker.rank(parseQuery(name, { strict: true }));
      expect(ranked[0]?.paper, name).toBe(papers[i]);
    });
    const all = ranker.rank(parseQuery(NAMES.join(' OR '), { strict: true }));
    expect(new Set(all.map((r) => r.paper))).toEqual(new Set(papers));
    expect(ranker.rank(parseQuery('constructor OR toString', { strict: true })).map((r) => r.paper.title)).toEqual(
      expect.arrayContaining(['The constructor of a type', 'The toString of a type']),
    );
  });

  it('are words, not operators, before a colon in a query', () => {
    const q = parseQuery('constructor:type hasOwnProperty:x', { strict: true });
    expect(q.alternatives[0]?.terms.map((t) => t.text)).toEqual(['constructor', 'type', 'hasOwnProperty', 'x']);
  });

  it('are unknown LaTeX commands: kept as their names', () => {
    for (const name of LETTER_NAMES) {
      expect(latexToText(`a \\${name} b`), name).toBe(`a ${name} b`);
      expect(latexToText(`$\\${name}{x}$`), name).toBe(`${name}x`);
    }
    expect(normalisePaperInput({ title: 'The \\constructor and \\toString', abstract: '', authors: [] }).title).toBe(
      'The constructor and toString',
    );
  });

  it('are unknown XML entities (kept as written) and announce types like any other', () => {
    for (const name of LETTER_NAMES) {
      expect(text(parseXml(`<a>x &${name}; y</a>`, 'f.xml').a), name).toBe(`x &${name}; y`);
    }
    const items = NAMES.map(
      (name, i) => `<item><title>Paper ${i}</title><guid>oai:arXiv.org:2403.${String(10000 + i)}v1</guid>
        <description>arXiv:2403.${String(10000 + i)}v1 Announce Type: ${name} Abstract: About ${name}.</description></item>`,
    );
    const parsed = parseArxivRss(
      `<rss version="2.0" xmlns:arxiv="http://arxiv.org/schemas/atom"><channel><title>cs.LG</title>${items.join('')}</channel></rss>`,
      'rss.xml',
    );
    expect(Object.entries(parsed.announced)).toEqual(NAMES.map((name) => [name.toLowerCase(), 1]));
    expect(parsed.papers.map((p) => p.abstract)).toEqual(NAMES.map((name) => `About ${name}.`));
  });
});
