// The learning curve of a reader's ratings (issue 18, "Measured"): simulated readers of the judged
// topics of test/fixtures/relevance/ rate what a first window showed them, and the ranking of a
// second window is scored (nDCG@10) with 0, 5, 10 and 20 ratings; personal topics seeded with 3, 5
// and 10 relevant papers are scored on the same second window.
//
// The 103 sample papers were all seen on one day, so the windows cannot be split by date: the
// split is by position on the Daily Papers page (even positions: first window, odd: second), the
// same every run. A reader of a topic gets the first window ranked for each natural phrasing of
// it (natural.json) and diversified as a digest is, and rates its papers from the top down by
// their grades: relevant (1 or 2) "more like this", else "not for me". A personal topic is
// `like:` seeds alone (no words): the first-window papers of the topic, grade 2 before 1, in the
// judgements' order; a topic with fewer relevant papers there is seeded with what it has.
//
//   node --import tsx bench/feedback-curve.ts [--model rocchio|logistic|both] [--json]
import { parseArgs } from 'node:util';
import type { Paper } from '../src/domain/paper.js';
import { parseQuery } from '../src/domain/query.js';
import { diversify } from '../src/domain/ranking/diversity.js';
import { type RatedPaper, type ReaderModel, readerModel } from '../src/domain/ranking/reader-model.js';
import { createRanker, type Ranker } from '../src/domain/ranking/ranker.js';
import type { Vector } from '../src/domain/ranking/vectors.js';
import { createFtsLexicalIndex } from '../src/store/lexical-index.js';
import { logisticModel } from './feedback-logistic.js';
import { loadJudgements, loadPhrasings, type JudgedTopic } from './relevance-data.js';
import { mean, ndcgAt } from './relevance-metrics.js';
import { samplePapers } from './sample-papers.js';

const SLOTS = 25;
export const RATINGS = [0, 5, 10, 20] as const;
export const SEEDS = [3, 5, 10] as const;
/** "The topics where words do worst": this many, by nDCG@10 with no ratings. */
const WORST = 3;

type Learner = (rated: readonly RatedPaper[], vectorOf: (p: Paper) => Vector) => ReaderModel | undefined;
const LEARNERS: Record<string, Learner> = { rocchio: readerModel, logistic: logisticModel };

export interface TopicCurve {
  slug: string;
  /** Relevant papers in the first and second window. */
  relevant: [number, number];
  /** Mean nDCG@10 on the second window over the topic's phrasings, per number of ratings (RATINGS). */
  ratings: number[];
  /** How many ratings the readers could give at most (the first window's ranking may be shorter than 20). */
  rated: number[];
  /** nDCG@10 of a personal topic seeded with SEEDS relevant papers, seeds alone. */
  seeds: number[];
}

function rankIds(ranker: Ranker, text: string, candidates: ReadonlySet<string>, reader?: ReaderModel): string[] {
  const ranked = ranker.rank(parseQuery(text, { strict: true }), { candidates, ...(reader ? { reader } : {}) });
  return diversify(ranked, SLOTS, (a, b) => ranker.similarity(a.paper, b.paper)).map((s) => s.paper.id);
}

function curve(
  ranker: Ranker,
  topic: JudgedTopic,
  phrasings: readonly string[],
  windows: [Paper[], Paper[]],
  learn: Learner,
): TopicCurve {
  const [first, second] = windows;
  const firstIds = new Set(first.map((p) => p.id));
  const secondIds = new Set(second.map((p) => p.id));
  const byId = new Map([...first, ...second].map((p) => [p.id, p]));
  const grades2 = new Map([...topic.grades].filter(([id]) => secondIds.has(id)));
  const vectorOf = (p: Paper) => ranker.vector(p);
  const perPhrasing = phrasings.map((text) => {
    const shown = rankIds(ranker, text, firstIds);
    return RATINGS.map((n) => {
      const rated: RatedPaper[] = shown
        .slice(0, n)
        .map((id) => ({ paper: byId.get(id) as Paper, value: (topic.grades.get(id) ?? 0) > 0 ? 1 : -1 }));
      const ranked = rankIds(ranker, text, secondIds, learn(rated, vectorOf));
      return { ndcg: ndcgAt(10, ranked, grades2), rated: rated.length };
    });
  });
  const relevantFirst = [...topic.grades]
    .filter(([id]) => firstIds.has(id))
    .sort((a, b) => b[1] - a[1])
    .map(([id]) => id);
  const seeds = SEEDS.map((k) => {
    const text = relevantFirst
      .slice(0, k)
      .map((id) => `like:${id}`)
      .join(' ');
    return text === '' ? 0 : ndcgAt(10, rankIds(ranker, text, secondIds), grades2);
  });
  return {
    slug: topic.slug,
    relevant: [relevantFirst.length, grades2.size],
    ratings: RATINGS.map((_, k) => mean(perPhrasing.map((p) => p[k]!.ndcg))),
    rated: RATINGS.map((_, k) => Math.min(...perPhrasing.map((p) => p[k]!.rated))),
    seeds,
  };
}

export function learningCurves(model: keyof typeof LEARNERS = 'rocchio', papers = samplePapers()): TopicCurve[] {
  const judged = loadJudgements(papers);
  const phrasings = new Map(loadPhrasings(judged).topics.map((t) => [t.slug, t.phrasings]));
  const windows: [Paper[], Paper[]] = [papers.filter((_, i) => i % 2 === 0), papers.filter((_, i) => i % 2 === 1)];
  const ranker = createRanker(papers, createFtsLexicalIndex);
  const learn = LEARNERS[model];
  if (!learn) throw new Error(`--model: one of ${Object.keys(LEARNERS).join(', ')}`);
  const curves = judged.map((t) => curve(ranker, t, phrasings.get(t.slug) ?? [], windows, learn));
  ranker.close();
  return curves;
}

const f = (n: number) => n.toFixed(3);
const signed = (n: number) => `${n >= 0 ? '+' : '−'}${Math.abs(n).toFixed(3)}`;
const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;

export function printCurves(model: string, curves: readonly TopicCurve[]): void {
  console.log(
    `\nLearning curve (${model}): nDCG@10 on the second window (odd page positions), mean over each topic's 3 natural phrasings`,
  );
  const header = [
    'topic',
    'relevant 1st / 2nd',
    ...RATINGS.map((n) => `${n} ratings`),
    '10 − 0',
    ...SEEDS.map((k) => `seeds ${k}`),
  ];
  console.log(row(header));
  console.log(`|${'---|'.repeat(header.length)}`);
  for (const c of curves) {
    const short = c.rated.map((r, k) => (r < RATINGS[k]! ? ` (${r})` : ''));
    console.log(
      row([
        c.slug,
        `${c.relevant[0]} / ${c.relevant[1]}`,
        ...c.ratings.map((x, k) => `${f(x)}${short[k]}`),
        signed(c.ratings[2]! - c.ratings[0]!),
        ...c.seeds.map((x, k) => `${f(x)}${c.relevant[0] < SEEDS[k]! ? ` (${c.relevant[0]})` : ''}`),
      ]),
    );
  }
  const at = (k: number, of = curves) => mean(of.map((c) => c.ratings[k]!));
  const worst = [...curves].sort((a, b) => a.ratings[0]! - b.ratings[0]!).slice(0, WORST);
  console.log(
    row([
      '**mean**',
      '',
      ...RATINGS.map((_, k) => f(at(k))),
      signed(at(2) - at(0)),
      ...SEEDS.map((_, k) => f(mean(curves.map((c) => c.seeds[k]!)))),
    ]),
  );
  console.log(
    row([
      `**worst ${WORST} by words** (${worst.map((c) => c.slug).join(', ')})`,
      '',
      ...RATINGS.map((_, k) => f(at(k, worst))),
      signed(at(2, worst) - at(0, worst)),
      '',
      '',
      '',
    ]),
  );
  console.log('(n): fewer ratings or seeds were possible (the first window ranked or held only n papers).');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { model: { type: 'string', default: 'both' }, json: { type: 'boolean' } } });
  const models = values.model === 'both' ? Object.keys(LEARNERS) : [values.model as string];
  const results = Object.fromEntries(models.map((m) => [m, learningCurves(m)]));
  if (values.json) console.log(JSON.stringify(results, null, 2));
  else for (const [m, c] of Object.entries(results)) printCurves(m, c);
}
