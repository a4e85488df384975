import { InvalidInputError } from './errors.js';
import { parseArxivId } from './paper.js';
import { analyse } from './ranking/analyse.js';

/**
 * A topic query as a researcher writes it:
 *   plain words and "quoted phrases"     each one counts: the more of them a paper has (and the
 *                                         rarer they are, the closer together), the higher it ranks
 *   +word, +"phrase"                      only papers that contain it
 *   a OR b                                alternatives; a paper matching more of them ranks higher
 *   -word, -"phrase"                      no paper that contains it
 *   author:Han, author:"Song Han"         only papers by one of these authors
 *   category:cs.CV                        only papers in one of these arXiv categories (cs matches cs.*)
 *   like:2403.12345                       "more like this paper" (an arXiv id or a Paperboy id)
 *   min:0.3                               only papers scoring at least this (0 to 1)
 */
export interface Query {
  syntax: QuerySyntax;
  alternatives: Alternative[];
  excluded: QueryTerm[];
  authors: string[];
  excludedAuthors: string[];
  categories: string[];
  seeds: string[];
  minScore?: number;
}

/**
 * How a query's plain words are read. 'natural': each word and phrase counts towards the ranking
 * and none is required unless typed with +. 'all-words': every plain word and phrase is required,
 * as every topic stored before natural queries existed was written to mean.
 */
export type QuerySyntax = 'natural' | 'all-words';

export interface Alternative {
  /** Words and phrases in the order typed. */
  terms: QueryTerm[];
}

export interface QueryTerm {
  /** As typed, for explanations. */
  text: string;
  /** Analysed stems (see ranking/analyse.ts); a quoted phrase or a compound needs them in order. */
  tokens: string[];
  /** Whole-word form of a compound ("lowrank" for low-rank), matched as one word. */
  whole?: string;
  phrase: boolean;
  /** Typed like an acronym (NAS, ViT, LLMs): its learned long form counts as a match. */
  acronym: boolean;
  /** A paper without it is no match: typed with +, or any plain word of an 'all-words' query. */
  required: boolean;
  /** Typed in quotes: it counts only as the whole phrase, never word by word. */
  quoted: boolean;
  /**
   * Typed straight after the previous term with only a space between (no comma, bracket or
   * dropped word such as "and"): the two read as a phrase, and a paper that has them together
   * ranks higher ("point clouds" in "3D vision and point clouds").
   */
  follows: boolean;
  /**
   * In a bracketed list ("model compression (pruning, quantization, low-rank)"): which list of the
   * alternative and which of its items. The items are examples of one thing, any of them is it:
   * a paper on pruning alone has the list as much as one on all three.
   */
  list?: { id: number; item: number };
}

const OPERATORS = ['author', 'category', 'cat', 'like', 'min'] as const;
// Prefixes that other search engines (arXiv: ti, au, abs; web search: title, site) take as field
// operators. Typed here they would silently become words that match nothing: refused, saying what works.
// A Map: the prefix is typed text ("constructor:" is a word, not a member of every object).
const FOREIGN_OPERATORS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    ti: 'words match the title and the abstract alike',
    title: 'words match the title and the abstract alike',
    abs: 'words match the title and the abstract alike',
    abstract: 'words match the title and the abstract alike',
    all: 'words match the title and the abstract alike',
    au: 'use author:',
    authors: 'use author:',
    by: 'use author:',
    categories: 'use category:',
    arxiv: 'use like: for papers like an arXiv paper',
    id: 'use like: for papers like a given paper',
  }),
);
// Brackets before a word or a phrase are read apart from it: `("point cloud", mesh)`.
const TOKEN = /([([{]*)([-+]?)(?:([A-Za-z]+):)?(?:"([^"]*)"|(\S+))/g;

function problem(source: string, detail: string): InvalidInputError {
  return new InvalidInputError(`topic query ${JSON.stringify(source)}: ${detail}`);
}

/** Where the reading of one alternative stands: whether the next term reads on from the last, and the list it is in. */
class Reading {
  /** The next term follows the last one (see QueryTerm.follows). */
  linked = false;
  list: { id: number; item: number } | undefined;
  private lists = 0;

  /** Punctuation between words: any ends a phrase; brackets open and close a list, a comma or slash in one starts its next item. */
  separator(text: string): void {
    if (/^\s*$/.test(text)) return;
    this.linked = false;
    for (const c of text) {
      if (c === '(' || c === '[' || c === '{') this.list ??= { id: ++this.lists, item: 0 };
      else if (c === ')' || c === ']' || c === '}') this.list = undefined;
      else if (this.list && (c === ',' || c === ';' || c === '/' || c === '|'))
        this.list = { ...this.list, item: this.list.item + 1 };
    }
  }

  /** A word the analysis drops: it ends a phrase; "and" and "or" in a list end an item ("(batching and caching)"). */
  dropped(word: string): void {
    this.linked = false;
    if (this.list && /^(and|or|&)$/i.test(word)) this.list = { ...this.list, item: this.list.item + 1 };
  }

  /** What a term read now carries: whether it follows the last, and its list. */
  place(): Pick<QueryTerm, 'follows' | 'list'> {
    const follows = this.linked;
    this.linked = true;
    return this.list ? { follows, list: this.list } : { follows };
  }
}

type TermMarks = Pick<QueryTerm, 'required' | 'quoted'>;

function queryTerms(raw: string, quoted: boolean, marks: TermMarks, reading: Reading): QueryTerm[] {
  if (quoted) {
    const { seq } = analyse(raw);
    if (seq.length === 0) return [];
    reading.linked = false;
    const term: QueryTerm = { text: raw, tokens: seq, phrase: true, acronym: false, ...marks, ...reading.place() };
    reading.linked = false;
    return [term];
  }
  // A bare word: "low-rank" must keep its parts together; "GPU/TPU" is two words, and so are the
  // items of "(pruning, quantization)".
  const terms: QueryTerm[] = [];
  for (const piece of raw.split(/([^\p{L}\p{N}'’-]+)/u)) {
    if (piece === '') continue;
    if (!/[\p{L}\p{N}]/u.test(piece)) {
      reading.separator(piece);
      continue;
    }
    const { seq, whole } = analyse(piece);
    // A dropped word ("and", "for", "with") joins two phrases, it is not part of one.
    if (seq.length === 0) {
      reading.dropped(piece);
      continue;
    }
    const acronym = /^(?=(?:[^A-Z]*[A-Z]){2})[A-Za-z0-9]{2,9}$/.test(piece);
    terms.push({
      text: piece,
      tokens: seq,
      phrase: seq.length > 1,
      acronym,
      ...(whole[0] ? { whole: whole[0] } : {}),
      ...marks,
      ...reading.place(),
    });
  }
  return terms;
}

function seedId(source: string, value: string): string {
  if (/^(arxiv|title):/.test(value)) return value;
  const arxiv = parseArxivId(value);
  if (!arxiv)
    throw problem(
      source,
      `like:${value} is not an arXiv id (e.g. like:2403.12345) or a Paperboy id (arxiv:… or title:…)`,
    );
  return `arxiv:${arxiv.id}`;
}

/**
 * Parses a topic query; a query with nothing to match, an unclosed quote or a bad operator value is
 * refused. `strict` (for a query being added) also refuses a dangling OR and other engines' field
 * operators; a query stored before these were refused still runs as it did (the OR and the prefix
 * taken as words). `syntax` is how the plain words are read: a topic's own (see QuerySyntax).
 */
export function parseQuery(
  source: string,
  { strict = false, syntax = 'natural' }: { strict?: boolean; syntax?: QuerySyntax } = {},
): Query {
  if ((source.match(/"/g)?.length ?? 0) % 2 === 1) throw problem(source, 'has an unclosed quote');
  const query: Query = {
    syntax,
    alternatives: [],
    excluded: [],
    authors: [],
    excludedAuthors: [],
    categories: [],
    seeds: [],
  };
  // Phrases are set aside while the query is cut at its ORs: "this OR that" is one phrase.
  const phrases: string[] = [];
  const masked = source.replace(/"[^"]*"/g, (phrase) => `\u0000${phrases.push(phrase) - 1}\u0000`).trim();
  if (strict && /^OR(\s|$)/.test(masked)) throw problem(source, 'starts with OR: an alternative is missing before it');
  if (strict && /(^|\s)OR$/.test(masked)) throw problem(source, 'ends with OR: an alternative is missing after it');
  if (strict && /\sOR\s+OR\s/.test(masked))
    throw problem(source, 'has OR twice in a row: an alternative is missing between them');
  const parts = masked
    .split(/\s+OR\s+/)
    .map((part) => part.replace(/\u0000(\d+)\u0000/g, (_, k: string) => phrases[Number(k)] as string));
  for (const part of parts) {
    const alternative: Alternative = { terms: [] };
    const reading = new Reading();
    for (const m of part.matchAll(TOKEN)) {
      if (m[1]) reading.separator(m[1]);
      const negated = m[2] === '-';
      const plus = m[2] === '+';
      const name = m[3]?.toLowerCase();
      const operator = name && (OPERATORS as readonly string[]).includes(name) ? name : undefined;
      const quoted = m[4] !== undefined;
      const value = (m[4] ?? m[5] ?? '').trim();
      const bare = /^([A-Za-z]+):$/.exec(value)?.[1]?.toLowerCase();
      if (!operator && bare && (OPERATORS as readonly string[]).includes(bare)) {
        throw problem(
          source,
          `${bare}: needs a value (e.g. author:"Song Han", category:cs.CV, like:2403.12345, min:0.3)`,
        );
      }
      const foreign = strict && name !== undefined && !operator ? FOREIGN_OPERATORS.get(name) : undefined;
      if (foreign)
        throw problem(
          source,
          `${m[3]}: is not an operator here (${foreign}; the operators are author:, category:, like: and min:)`,
        );
      if (!operator) {
        // Any other "word:" prefix ("GPT:4", "ICLR:2024") is just part of the words.
        const raw = m[3] ? `${m[3]} ${value}` : value;
        if (negated) {
          reading.linked = false;
          query.excluded.push(
            ...queryTerms(raw, quoted, { required: false, quoted }, reading).map(({ list: _, ...term }) => term),
          );
          reading.linked = false;
          continue;
        }
        // "+pruning quantization": the + is for its word alone, and neither reads on into the other.
        if (plus) reading.linked = false;
        alternative.terms.push(
          ...queryTerms(raw, quoted, { required: plus || syntax === 'all-words', quoted }, reading),
        );
        if (plus) reading.linked = false;
        continue;
      }
      reading.linked = false;
      if (plus)
        throw problem(
          source,
          `+${operator}: needs no + (author:, category:, like: and min: always apply; + requires a word or a "phrase")`,
        );
      if (!value)
        throw problem(
          source,
          `${operator}: needs a value (e.g. author:"Song Han", category:cs.CV, like:2403.12345, min:0.3)`,
        );
      if (operator === 'author') (negated ? query.excludedAuthors : query.authors).push(value);
      else if (negated) throw problem(source, `-${operator}: cannot be negated`);
      else if (operator === 'category' || operator === 'cat') {
        if (!/^[a-z-]+(?:\.[A-Za-z-]+)?$/i.test(value))
          throw problem(source, `category:${value} is not an arXiv category (e.g. cs.CV, cs, stat.ML)`);
        query.categories.push(value.toLowerCase());
      } else if (operator === 'like') query.seeds.push(seedId(source, value));
      else {
        const min = Number(value);
        if (!/^\d*\.?\d+$/.test(value) || !(min >= 0 && min <= 1))
          throw problem(source, `min:${value} must be a number from 0 to 1 (e.g. min:0.3)`);
        query.minScore = min;
      }
    }
    if (alternative.terms.length > 0) query.alternatives.push(alternative);
  }
  if (
    query.alternatives.length === 0 &&
    query.authors.length === 0 &&
    query.categories.length === 0 &&
    query.seeds.length === 0
  ) {
    throw problem(source, 'has no words to match (write e.g. "neural architecture search" OR NAS)');
  }
  return query;
}
