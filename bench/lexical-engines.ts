// Which engine for the ranker's lexical part? On the ranking benchmark's corpus
// (10,000 papers) and topics (1,000), each engine is given the ranker's own analysed tokens
// (stems, compounds split and whole) and asked for what the ranker needs: every paper matching
// each distinct query form (a word, an acronym's long form, a phrase), with BM25 over title and
// abstract, title weighted 3, k1 1.2, b 0.75. Each form is searched once and cached across topics,
// as the ranker does. Timed: building the index from the analysed tokens, then searching every
// form. Every engine starts from the texts: the build figures include the analysis. Engines:
//   - Paperboy's engine as the ranker builds it: SQLite FTS5 in memory (src/store/lexical-index.ts)
//     over the analysed texts, with the tf-idf vectors the feedback needs (postings.ts) in its build;
//   - MiniSearch 7: fields title and abstract, `tokenize` splitting the analysed tokens, identity
//     `processTerm`, no stored fields, prefix and fuzzy off, `combineWith: 'AND'`, `boost`, `bm25`
//     with d = 0 (plain BM25, as ours). MiniSearch has no phrase search: a phrase is searched as
//     its words AND-ed, which flatters it (the adjacency check is left out);
//   - SQLite FTS5 in memory, bare: the tokens as text, `bm25(3, 1)`, phrases as FTS5 phrases,
//     without the clause and dropped-word marks or the vectors.
// Run: node --import tsx bench/lexical-engines.ts
import Database from 'better-sqlite3';
import MiniSearch from 'minisearch';
import { parseQuery } from '../src/domain/query.js';
import { learnAcronyms, longForms } from '../src/domain/ranking/acronyms.js';
import { analyse, indexTokens } from '../src/domain/ranking/analyse.js';
import { conceptsOf, excludedForms, formKey, type Form } from '../src/domain/ranking/concepts.js';
import { buildPostings } from '../src/domain/ranking/postings.js';
import { createFtsLexicalIndex } from '../src/store/lexical-index.js';
import { syntheticCorpus } from './ranking.js';
import { summarise } from './stats.js';

const RUNS = 3;

const { papers, queries } = syntheticCorpus();
const acronyms = learnAcronyms(papers.map((p) => `${p.title}. ${p.abstract}`));
const reverse = longForms(acronyms);
const forms = new Map<string, Form>();
for (const q of queries.map((q) => parseQuery(q))) {
  for (const alternative of q.alternatives)
    for (const c of conceptsOf(alternative, acronyms, reverse)) for (const f of c.forms) forms.set(formKey(f), f);
  for (const f of excludedForms(q.excluded, acronyms, reverse)) forms.set(formKey(f), f);
}
const distinct = [...forms.values()];
/** The papers as the ranker's tokens (stems and whole compounds), space-separated, for the other engines. */
const analysedDocs = () =>
  papers.map((p, id) => ({
    id,
    title: indexTokens(analyse(p.title)).join(' '),
    abstract: indexTokens(analyse(p.abstract)).join(' '),
  }));

interface Timing {
  build: number;
  search: number;
  perForm: number[];
  hits: number;
}

/** Times one engine: building its index (from the texts), then searching every distinct form once. */
function timed<I>(
  build: () => I,
  hitsOf: (index: I, form: Form) => number,
  close: (index: I) => void = () => {},
): Timing {
  let start = performance.now();
  const index = build();
  const built = performance.now() - start;
  const perForm: number[] = [];
  let hits = 0;
  start = performance.now();
  for (const f of distinct) {
    const t = performance.now();
    hits += hitsOf(index, f);
    perForm.push(performance.now() - t);
  }
  const search = performance.now() - start;
  close(index);
  return { build: built, search, perForm, hits };
}

const paperboy = (): Timing =>
  timed(
    () => createFtsLexicalIndex(buildPostings(papers, 2).texts, 3),
    (index, f) => index.search(f.tokens, f.adjacent, f.loose).docs.length,
    (index) => index.close(),
  );

const searchOptions = {
  prefix: false,
  fuzzy: false,
  combineWith: 'AND',
  boost: { title: 3 },
  bm25: { k: 1.2, b: 0.75, d: 0 },
} as const;

const minisearch = (): Timing =>
  timed(
    () => {
      const docs = analysedDocs();
      const index = new MiniSearch<(typeof docs)[number]>({
        fields: ['title', 'abstract'],
        storeFields: [],
        tokenize: (text) => text.split(' '),
        processTerm: (term) => term,
        searchOptions,
      });
      index.addAll(docs);
      return index;
    },
    (index, f) => index.search(f.tokens.join(' '), searchOptions).length,
  );

const fts5 = (): Timing =>
  timed(
    () => {
      const docs = analysedDocs();
      const db = new Database(':memory:');
      // Tokens are already lowercase stems: the ascii tokenizer splits them on spaces and nothing else.
      db.exec("CREATE VIRTUAL TABLE f USING fts5(title, abstract, tokenize = 'ascii')");
      const insert = db.prepare('INSERT INTO f (rowid, title, abstract) VALUES (?, ?, ?)');
      db.transaction(() => {
        for (const d of docs) insert.run(d.id + 1, d.title, d.abstract);
      })();
      return { db, query: db.prepare('SELECT rowid, bm25(f, 3.0, 1.0) AS score FROM f WHERE f MATCH ?') };
    },
    ({ query }, f) =>
      query.all(f.adjacent ? `"${f.tokens.join(' ')}"` : f.tokens.map((w) => `"${w}"`).join(' AND ')).length,
    ({ db }) => db.close(),
  );

const engines = {
  'Paperboy (FTS5 + vectors)': paperboy,
  'MiniSearch 7.2': minisearch,
  'SQLite FTS5 (in memory)': fts5,
};
const results = new Map<string, Timing[]>(Object.keys(engines).map((k) => [k, []]));
for (let r = 0; r < RUNS; r++) for (const [name, run] of Object.entries(engines)) results.get(name)?.push(run());

console.log(
  `lexical engines: ${papers.length} papers, ${distinct.length} distinct forms from ${queries.length} topics (${distinct.filter((f) => f.adjacent).length} phrases)`,
);
for (const [name, runs] of results) {
  const total = summarise(runs.map((r) => r.build + r.search));
  const per = runs.flatMap((r) => r.perForm).sort((a, b) => a - b);
  const at = (q: number) => (per[Math.min(per.length - 1, Math.floor(q * per.length))] as number).toFixed(2);
  console.log(
    `  ${name.padEnd(24)} build ${summarise(runs.map((r) => r.build)).text}; search all forms ${summarise(runs.map((r) => r.search)).text}; ` +
      `per form median ${at(0.5)} ms, p90 ${at(0.9)} ms, max ${at(1)} ms; total median ${total.median.toFixed(0)} ms; ${runs[0]?.hits} hits`,
  );
}
