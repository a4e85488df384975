// The inputs of `npm run eval:relevance`, read and checked: the judgements, the crafted query of
// each judged topic and a set of natural phrasings. A mistake in them names the file and the item,
// since a silently skipped topic or paper would change the figures without anyone noticing.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Paper } from '../src/domain/paper.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const FIXTURES = `${ROOT}test/fixtures/relevance/`;
export const JUDGEMENTS_FILE = `${FIXTURES}judgements.json`;
export const NATURAL_FILE = `${FIXTURES}natural.json`;
/** The starter topics: judged ones are scored with their query; others are not judged, so skipped. */
export const TOPICS_FILE = `${ROOT}data/topics.json`;
/** Queries for the judged topics that are not starter topics: every one must be judged. */
export const QUERIES_FILE = `${FIXTURES}queries.json`;

export class EvalInputError extends Error {}

/** A path as the reader knows it: relative to the repository when inside it. */
export function shownPath(file: string): string {
  const rel = relative(ROOT, file);
  return rel.startsWith('..') ? file : rel;
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new EvalInputError(
      `${shownPath(file)}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new EvalInputError(`${shownPath(file)}: not valid JSON (${(err as Error).message})`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The `topics` list of a fixture file; each entry must be an object with a string slug. */
function topicsOf(file: string): Record<string, unknown>[] {
  const data = readJson(file);
  if (!isObject(data) || !Array.isArray(data.topics))
    throw new EvalInputError(`${shownPath(file)}: expected an object with a "topics" list`);
  return data.topics.map((t: unknown, k: number) => {
    if (!isObject(t) || typeof t.slug !== 'string' || t.slug === '')
      throw new EvalInputError(`${shownPath(file)}: topics[${k}] has no "slug"`);
    return t;
  });
}

export interface JudgedTopic {
  slug: string;
  name: string;
  need: string;
  /** Paper id → grade 2 or 1; every other paper is graded 0. */
  grades: Map<string, number>;
  titles: Map<string, string>;
}

/** The judged topics; every judged paper must be one of `papers` (the sample). */
export function loadJudgements(papers: readonly Paper[], file = JUDGEMENTS_FILE): JudgedTopic[] {
  const known = new Set(papers.map((p) => p.id));
  const seen = new Set<string>();
  return topicsOf(file).map((t) => {
    const slug = t.slug as string;
    if (seen.has(slug)) throw new EvalInputError(`${shownPath(file)}: topic "${slug}" is judged twice`);
    seen.add(slug);
    if (!Array.isArray(t.judgements))
      throw new EvalInputError(`${shownPath(file)}: topic "${slug}" has no "judgements" list`);
    const grades = new Map<string, number>();
    const titles = new Map<string, string>();
    for (const j of t.judgements as unknown[]) {
      if (!isObject(j) || typeof j.id !== 'string' || (j.grade !== 1 && j.grade !== 2)) {
        throw new EvalInputError(
          `${shownPath(file)}: topic "${slug}": each judgement needs an "id" and a "grade" of 1 or 2, got ${JSON.stringify(j)}`,
        );
      }
      const title = typeof j.title === 'string' ? j.title : '';
      if (!known.has(j.id)) {
        throw new EvalInputError(
          `${shownPath(file)}: topic "${slug}": judged paper ${j.id} ("${title}") is not among the ${papers.length} sample papers`,
        );
      }
      grades.set(j.id, j.grade);
      titles.set(j.id, title);
    }
    return { slug, name: String(t.name ?? slug), need: String(t.need ?? ''), grades, titles };
  });
}

export interface Crafted {
  query: string;
  file: string;
}

/** Each judged topic's crafted query: from the starter topics, else from the fixture's queries. */
export function loadCrafted(
  judged: readonly JudgedTopic[],
  topicsFile = TOPICS_FILE,
  queriesFile = QUERIES_FILE,
): Map<string, Crafted> {
  const slugs = new Set(judged.map((t) => t.slug));
  const crafted = new Map<string, Crafted>();
  for (const [file, mustBeJudged] of [
    [topicsFile, false],
    [queriesFile, true],
  ] as const) {
    for (const t of topicsOf(file)) {
      const slug = t.slug as string;
      if (!slugs.has(slug)) {
        if (mustBeJudged)
          throw new EvalInputError(
            `${shownPath(file)}: topic "${slug}" is not a judged topic (judged: ${[...slugs].join(', ')})`,
          );
        continue;
      }
      if (typeof t.query !== 'string' || t.query.trim() === '')
        throw new EvalInputError(`${shownPath(file)}: topic "${slug}" has no "query"`);
      if (crafted.has(slug))
        throw new EvalInputError(
          `${shownPath(file)}: topic "${slug}" already has a query in ${shownPath(crafted.get(slug)!.file)}`,
        );
      crafted.set(slug, { query: t.query, file });
    }
  }
  for (const slug of slugs) {
    if (!crafted.has(slug))
      throw new EvalInputError(`judged topic "${slug}" has no query: add it to ${shownPath(queriesFile)}`);
  }
  return crafted;
}

export interface PhrasingSet {
  file: string;
  topics: { slug: string; phrasings: string[] }[];
}

/**
 * A set of phrasings (the shape of natural.json: `{ "topics": [{ "slug", "phrasings": [...] }] }`).
 * It may cover only some of the judged topics, but every slug in it must be judged.
 */
export function loadPhrasings(judged: readonly JudgedTopic[], file = NATURAL_FILE): PhrasingSet {
  const slugs = new Set(judged.map((t) => t.slug));
  const seen = new Set<string>();
  const topics = topicsOf(file).map((t) => {
    const slug = t.slug as string;
    if (!slugs.has(slug))
      throw new EvalInputError(
        `${shownPath(file)}: topic "${slug}" is not a judged topic (judged: ${[...slugs].join(', ')})`,
      );
    if (seen.has(slug)) throw new EvalInputError(`${shownPath(file)}: topic "${slug}" appears twice`);
    seen.add(slug);
    const list = t.phrasings;
    if (!Array.isArray(list) || list.length === 0 || !list.every((p) => typeof p === 'string' && p.trim() !== '')) {
      throw new EvalInputError(
        `${shownPath(file)}: topic "${slug}": "phrasings" must be a non-empty list of non-empty strings`,
      );
    }
    return { slug, phrasings: list as string[] };
  });
  if (topics.length === 0) throw new EvalInputError(`${shownPath(file)}: no topics to score`);
  return { file, topics };
}
