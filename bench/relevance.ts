// `npm run eval:relevance`: how well topic rankings match the hand-graded judgements in
// test/fixtures/relevance/ (9 topics over the 103 sample papers, grades 2/1/0). Two sets of
// queries are scored, each by three rankers, in one run:
//   natural  phrasings a researcher types without knowing the syntax (natural.json, or --file)
//   crafted  the expert queries of data/topics.json and queries.json
//   Paperboy   the ranker as a digest uses it: the query parsed as `topics add` parses it, ranked,
//              then diversified over the digest's slots
//   any-word   plain BM25 ranking every paper with at least one of the query's words
//   all-words  plain BM25 ranking only the papers with every one of them
// (relevance-baseline.ts says exactly what "plain" is.) A third table scores "more like these"
// topics: two judged papers of each topic as seeds, no words.
//
//   npm run eval:relevance [-- --file <phrasings.json>] [--verbose] [--json]
//   npm run eval:relevance -- --explain <topic> [--query "<text>"]
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { InvalidInputError } from '../src/domain/errors.js';
import type { Paper } from '../src/domain/paper.js';
import { parseQuery, type Query } from '../src/domain/query.js';
import { diversify } from '../src/domain/ranking/diversity.js';
import { createRanker, type Ranker } from '../src/domain/ranking/ranker.js';
import { createFtsLexicalIndex } from '../src/store/lexical-index.js';
import { createBaseline, type Baseline } from './relevance-baseline.js';
import {
  EvalInputError,
  loadCrafted,
  loadJudgements,
  loadPhrasings,
  NATURAL_FILE,
  shownPath,
  type JudgedTopic,
} from './relevance-data.js';
import { explain } from './relevance-explain.js';
import { mean, ndcgAt, precisionAt } from './relevance-metrics.js';
import { SAMPLE_FILE, samplePapers } from './sample-papers.js';

/** The digest's default number of slots, over which it diversifies. */
export const SLOTS = 25;
const SYSTEMS = ['paperboy', 'anyWord', 'allWords'] as const;
type System = (typeof SYSTEMS)[number];
const SYSTEM_NAMES: Record<System, string> = {
  paperboy: 'Paperboy',
  anyWord: 'any-word BM25',
  allWords: 'all-words BM25',
};

export interface Scores {
  ndcg: number;
  p5: number;
}
/** One query ranked by one system. */
export interface Run extends Scores {
  /** How many papers the ranking holds (0: the digest would be empty). */
  found: number;
  /** The first ten paper ids, for comparing runs. */
  top: string[];
  /** Why Paperboy refused the query, if it did (scored as an empty ranking). */
  refused?: string;
}
export interface QueryResult extends Record<System, Run> {
  text: string;
}
export interface TopicResult extends Record<System, Scores> {
  slug: string;
  /** Each system's scores are the means over these. */
  queries: QueryResult[];
}
export interface SetResult extends Record<System, Scores> {
  label: 'natural' | 'crafted';
  files: string[];
  /** Means over these topics, each topic weighing the same. */
  topics: TopicResult[];
}
export interface Evaluation {
  corpus: { file: string; papers: number; judgedTopics: number };
  natural: SetResult;
  crafted: SetResult;
}

interface Rankers {
  paperboy: (text: string) => { ids: string[]; refused?: string };
  baseline: Baseline;
}

function paperboyRanking(ranker: Ranker, text: string): { ids: string[]; refused?: string } {
  let query: Query;
  try {
    // As `topics add` takes a new topic: a query it refuses never makes a digest.
    query = parseQuery(text, { strict: true });
  } catch (err) {
    if (err instanceof InvalidInputError) return { ids: [], refused: err.message };
    throw err;
  }
  const shown = diversify(ranker.rank(query), SLOTS, (a, b) => ranker.similarity(a.paper, b.paper));
  return { ids: shown.map((s) => s.paper.id) };
}

function run(ids: string[], grades: ReadonlyMap<string, number>, refused?: string): Run {
  return {
    ndcg: ndcgAt(10, ids, grades),
    p5: precisionAt(5, ids, grades),
    found: ids.length,
    top: ids.slice(0, 10),
    ...(refused ? { refused } : {}),
  };
}

function scoreQuery(rankers: Rankers, text: string, grades: ReadonlyMap<string, number>): QueryResult {
  const ours = rankers.paperboy(text);
  return {
    text,
    paperboy: run(ours.ids, grades, ours.refused),
    anyWord: run(rankers.baseline.rank(text, 'any'), grades),
    allWords: run(rankers.baseline.rank(text, 'all'), grades),
  };
}

const means = <T extends Record<System, Scores>>(items: readonly T[]): Record<System, Scores> =>
  Object.fromEntries(
    SYSTEMS.map((s) => [s, { ndcg: mean(items.map((i) => i[s].ndcg)), p5: mean(items.map((i) => i[s].p5)) }]),
  ) as Record<System, Scores>;

function scoreSet(
  label: SetResult['label'],
  files: string[],
  topics: { topic: JudgedTopic; texts: string[] }[],
  rankers: Rankers,
): SetResult {
  const results = topics.map(({ topic, texts }): TopicResult => {
    const queries = texts.map((text) => scoreQuery(rankers, text, topic.grades));
    return { slug: topic.slug, queries, ...means(queries) };
  });
  return { label, files: files.map(shownPath), topics: results, ...means(results) };
}

export function evaluate({
  phrasingsFile = NATURAL_FILE,
  papers = samplePapers(),
}: {
  phrasingsFile?: string;
  papers?: Paper[];
} = {}): Evaluation {
  const judged = loadJudgements(papers);
  const crafted = loadCrafted(judged);
  const phrasings = loadPhrasings(judged, phrasingsFile);
  const ranker = createRanker(papers, createFtsLexicalIndex);
  const rankers: Rankers = { paperboy: (text) => paperboyRanking(ranker, text), baseline: createBaseline(papers) };
  const bySlug = new Map(judged.map((t) => [t.slug, t]));
  const natural = scoreSet(
    'natural',
    [phrasings.file],
    phrasings.topics.map((t) => ({ topic: bySlug.get(t.slug)!, texts: t.phrasings })),
    rankers,
  );
  const craftedFiles = [...new Set([...crafted.values()].map((c) => c.file))];
  const craftedSet = scoreSet(
    'crafted',
    craftedFiles,
    judged.map((topic) => ({ topic, texts: [crafted.get(topic.slug)!.query] })),
    rankers,
  );
  ranker.close();
  return {
    corpus: { file: shownPath(SAMPLE_FILE), papers: papers.length, judgedTopics: judged.length },
    natural,
    crafted: craftedSet,
  };
}

const f = (n: number) => n.toFixed(3);
const signed = (n: number) => `${n >= 0 ? '+' : '-'}${Math.abs(n).toFixed(3)}`;
const cell = (text: string) => text.replace(/\|/g, '\\|');
const scoreCells = (r: Record<System, Scores>) => SYSTEMS.flatMap((s) => [f(r[s].ndcg), f(r[s].p5)]);
const bold = (cells: string[]) => cells.map((c) => `**${c}**`);
const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
const rule = (columns: number) => `|${'---|'.repeat(columns)}`;
const SCORE_HEADER = SYSTEMS.flatMap((s) => [`${SYSTEM_NAMES[s]} nDCG@10`, 'P@5']);

function printSet(set: SetResult, verbose: boolean): void {
  const multi = set.topics.some((t) => t.queries.length > 1);
  const what = set.label === 'natural' ? 'Natural phrasings' : 'Crafted queries';
  console.log(
    `\n${what} (${set.files.join(', ')}): ${multi ? "each topic's scores are the mean over its phrasings" : 'one query a topic'}`,
  );
  console.log(row(['topic', ...(multi ? ['phrasings'] : []), ...SCORE_HEADER]));
  console.log(rule(SCORE_HEADER.length + (multi ? 2 : 1)));
  for (const t of set.topics)
    console.log(row([t.slug, ...(multi ? [String(t.queries.length)] : []), ...scoreCells(t)]));
  console.log(
    row(
      bold([
        'mean',
        ...(multi ? [String(set.topics.reduce((n, t) => n + t.queries.length, 0))] : []),
        ...scoreCells(set),
      ]),
    ),
  );
  if (!verbose) return;
  console.log(`\n${what}, one row a query (found: how many papers the ranking holds)`);
  console.log(row(['topic', 'query', ...SYSTEMS.flatMap((s) => [`${SYSTEM_NAMES[s]} nDCG@10`, 'P@5', 'found'])]));
  console.log(rule(2 + 3 * SYSTEMS.length));
  for (const t of set.topics) {
    for (const q of t.queries) {
      console.log(
        row([
          t.slug,
          cell(q.text),
          ...SYSTEMS.flatMap((s) => [f(q[s].ndcg), f(q[s].p5), q[s].refused ? 'refused' : String(q[s].found)]),
        ]),
      );
    }
  }
  for (const t of set.topics)
    for (const q of t.queries) if (q.paperboy.refused) console.log(`refused by Paperboy: ${q.paperboy.refused}`);
}

export function printRelevance(e: Evaluation, { verbose = false }: { verbose?: boolean } = {}): void {
  console.log(
    `\nRelevance: ${e.corpus.judgedTopics} judged topics over the ${e.corpus.papers} papers of ${e.corpus.file}, nDCG@10 and P@5`,
  );
  console.log(
    `Paperboy: parsed as \`topics add\` does, ranked, diversified over ${SLOTS} slots. Baselines: BM25 (k1 1.2, b 0.75) over title + abstract,`,
  );
  console.log(
    "lowercase words, Lucene's English stopwords dropped, plurals folded (S-stemmer), no phrases; any-word: one word suffices; all-words: every word required.",
  );
  for (const set of [e.natural, e.crafted]) printSet(set, verbose);
  const covered = e.natural.topics.length;
  console.log(
    `\nSummary: mean over topics${covered < e.corpus.judgedTopics ? ` (natural: the ${covered} topic${covered === 1 ? '' : 's'} of ${e.natural.files[0]}; crafted: all ${e.corpus.judgedTopics})` : ''}`,
  );
  console.log(row(['queries', ...SCORE_HEADER, 'Paperboy − any-word nDCG@10', 'P@5']));
  console.log(rule(SCORE_HEADER.length + 3));
  for (const set of [e.natural, e.crafted]) {
    console.log(
      row([
        set.label,
        ...scoreCells(set),
        signed(set.paperboy.ndcg - set.anyWord.ndcg),
        signed(set.paperboy.p5 - set.anyWord.p5),
      ]),
    );
  }
}

export interface SeededResult {
  slug: string;
  seeds: string[];
  ndcg: number;
  p5: number;
}

/**
 * "More like these": for each judged topic, its first two papers graded 2 as `like:` seeds and no
 * words, ranked as a digest ranks them. The seeds stay in the corpus (a seed must be there to be
 * one) but are left out of the judgements: the ranking is scored on the remaining papers.
 */
export function evaluateSeeded(papers: Paper[] = samplePapers()): SeededResult[] {
  const judged = loadJudgements(papers);
  const ranker = createRanker(papers, createFtsLexicalIndex);
  const results = judged.map((topic): SeededResult => {
    const seeds = [...topic.grades]
      .filter(([, grade]) => grade === 2)
      .slice(0, 2)
      .map(([id]) => id);
    const grades = new Map([...topic.grades].filter(([id]) => !seeds.includes(id)));
    const query = parseQuery(seeds.map((id) => `like:${id}`).join(' '));
    const ranked = diversify(ranker.rank(query), SLOTS, (a, b) => ranker.similarity(a.paper, b.paper))
      .map((s) => s.paper.id)
      .filter((id) => !seeds.includes(id));
    return { slug: topic.slug, seeds, ndcg: ndcgAt(10, ranked, grades), p5: precisionAt(5, ranked, grades) };
  });
  ranker.close();
  return results;
}

export function printSeeded(results: readonly SeededResult[]): void {
  console.log("\nSeeded (each topic's first two grade-2 papers as like: seeds alone, scored on the other papers)");
  console.log('| topic | seeded nDCG@10 | seeded P@5 |');
  console.log(rule(3));
  for (const r of results) console.log(row([r.slug, f(r.ndcg), f(r.p5)]));
  console.log(row(bold(['mean', f(mean(results.map((r) => r.ndcg))), f(mean(results.map((r) => r.p5)))])));
}

const USAGE =
  'usage: npm run eval:relevance [-- --file <phrasings.json>] [--verbose] [--json]\n       npm run eval:relevance -- --explain <topic> [--query "<text>"]';

function main(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      file: { type: 'string' },
      json: { type: 'boolean' },
      verbose: { type: 'boolean' },
      explain: { type: 'string' },
      query: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (values.explain !== undefined) {
    explain(values.explain, SLOTS, values.query);
    return;
  }
  if (values.query !== undefined) throw new EvalInputError('--query goes with --explain <topic>');
  const papers = samplePapers();
  // npm runs the script from the repository's root: a relative --file is the caller's, as typed.
  const phrasingsFile =
    values.file === undefined ? undefined : resolve(process.env.INIT_CWD ?? process.cwd(), values.file);
  const evaluation = evaluate({ papers, ...(phrasingsFile ? { phrasingsFile } : {}) });
  const seeded = evaluateSeeded(papers);
  if (values.json) {
    console.log(JSON.stringify({ ...evaluation, seeded }, null, 2));
    return;
  }
  printRelevance(evaluation, { verbose: values.verbose ?? false });
  printSeeded(seeded);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    // Bad input (a fixture, an option) is a message, not a stack trace.
    const known = err instanceof EvalInputError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    if (!known) throw err;
    console.error(`eval:relevance: ${(err as Error).message}`);
    if (!(err instanceof EvalInputError)) console.error(USAGE);
    process.exitCode = 1;
  }
}
