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
export const QUERY_SYNTAXES: readonly QuerySyntax[] = ['natural', 'all-words'];

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
}

const OPERATORS = ['author', 'category', 'cat', 'like', 'min'] as const;
// Prefixes that other search engines (arXiv: ti, au, abs; web search: title, site) take as field
// operators. Typed here they would silently become words that match nothing: refused, saying what works.
// A Map: the prefix is typed text ("constructor:" is a word, not a member of every object).
const FOREIGN_OPERATORS: ReadonlyMap<string, string> = new Map(Object.entries({
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
}));
const TOKEN = /([-+]?)(?:([A-Za-z]+):)?(?:"([^"]*)"|(\S+))/g;

function problem(source: string, detail: string): InvalidInputError {
  return new InvalidInputError(`topic query ${JSON.stringify(source)}: ${detail}`);
}

/** Whether the next term reads on from the last one (see QueryTerm.follows); reset by anything between them. */
interface Link {
  open: boolean;
}

type TermMarks = Pick<QueryTerm, 'required' | 'quoted'>;

function queryTerms(raw: string, quoted: boolean, marks: TermMarks, link: Link): QueryTerm[] {
  if (quoted) {
    link.open = false;
    const { seq } = analyse(raw);
    return seq.length === 0 ? [] : [{ text: raw, tokens: seq, phrase: true, acronym: false, ...marks, follows: false }];
  }
  // A bare word: "low-rank" must keep its parts together; "GPU/TPU" is two words, and so are the
  // items of "(pruning, quantization)": a bracket, a comma or a slash between words ends a phrase.
  const terms: QueryTerm[] = [];
  for (const piece of raw.split(/([^\p{L}\p{N}'’-]+)/u)) {
    if (piece === '') continue;
    if (!/[\p{L}\p{N}]/u.test(piece)) {
      if (!/^\s+$/.test(piece)) link.open = false;
      continue;
    }
    const { seq, whole } = analyse(piece);
    // A dropped word ("and", "for", "with") joins two phrases, it is not part of one.
    if (seq.length === 0) {
      link.open = false;
      continue;
    }
    const acronym = /^(?=(?:[^A-Z]*[A-Z]){2})[A-Za-z0-9]{2,9}$/.test(piece);
    terms.push({ text: piece, tokens: seq, phrase: seq.length > 1, acronym, ...(whole[0] ? { whole: whole[0] } : {}), ...marks, follows: link.open });
    link.open = true;
  }
  return terms;
}

function seedId(source: string, value: string): string {
  if (/^(arxiv|title):/.test(value)) return value;
  const arxiv = parseArxivId(value);
  if (!arxiv) throw problem(source, `like:${value} is not an arXiv id (e.g. like:2403.12345) or a Paperboy id (arxiv:… or title:…)`);
  return `arxiv:${arxiv.id}`;
}

/**
 * Parses a topic query; a query with nothing to match, an unclosed quote or a bad operator value is
 * refused. `strict` (for a query being added) also refuses a dangling OR and other engines' field
 * operators; a query stored before these were refused still runs as it did (the OR and the prefix
 * taken as words). `syntax` is how the plain words are read: a topic's own (see QuerySyntax).
 */
export function parseQuery(source: string, { strict = false, syntax = 'natural' }: { strict?: boolean; syntax?: QuerySyntax } = {}): Query {
  if ((source.match(/"/g)?.length ?? 0) % 2 === 1) throw problem(source, 'has an unclosed quote');
  const query: Query = { syntax, alternatives: [], excluded: [], authors: [], excludedAuthors: [], categories: [], seeds: [] };
  // Phrases are set aside while the query is cut at its ORs: "this OR that" is one phrase.
  const phrases: string[] = [];
  const masked = source.replace(/"[^"]*"/g, (phrase) => `\u0000${phrases.push(phrase) - 1}\u0000`).trim();
  if (strict && /^OR(\s|$)/.test(masked)) throw problem(source, 'starts with OR: an alternative is missing before it');
  if (strict && /(^|\s)OR$/.test(masked)) throw problem(source, 'ends with OR: an alternative is missing after it');
  if (strict && /\sOR\s+OR\s/.test(masked)) throw problem(source, 'has OR twice in a row: an alternative is missing between them');
  const parts = masked.split(/\s+OR\s+/).map((part) => part.replace(/\u0000(\d+)\u0000/g, (_, k: string) => phrases[Number(k)] as string));
  for (const part of parts) {
    const alternative: Alternative = { terms: [] };
    const link: Link = { open: false };
    for (const m of part.matchAll(TOKEN)) {
      const negated = m[1] === '-';
      const plus = m[1] === '+';
      const name = m[2]?.toLowerCase();
      const operator = name && (OPERATORS as readonly string[]).includes(name) ? name : undefined;
      const value = (m[3] ?? m[4] ?? '').trim();
      const bare = /^([A-Za-z]+):$/.exec(value)?.[1]?.toLowerCase();
      if (!operator && bare && (OPERATORS as readonly string[]).includes(bare)) {
        throw problem(source, `${bare}: needs a value (e.g. author:"Song Han", category:cs.CV, like:2403.12345, min:0.3)`);
      }
      const foreign = strict && name !== undefined && !operator ? FOREIGN_OPERATORS.get(name) : undefined;
      if (foreign) throw problem(source, `${m[2]}: is not an operator here (${foreign}; the operators are author:, category:, like: and min:)`);
      if (!operator) {
        // Any other "word:" prefix ("GPT:4", "ICLR:2024") is just part of the words.
        const raw = m[2] ? `${m[2]} ${value}` : value;
        if (negated) {
          link.open = false;
          query.excluded.push(...queryTerms(raw, m[3] !== undefined, { required: false, quoted: m[3] !== undefined }, { open: false }));
          continue;
        }
        const marks = { required: plus || syntax === 'all-words', quoted: m[3] !== undefined };
        // "+pruning quantization": the + is for its word alone, and neither reads on into the other.
        if (plus) link.open = false;
        alternative.terms.push(...queryTerms(raw, m[3] !== undefined, marks, link));
        if (plus) link.open = false;
        continue;
      }
      link.open = false;
      if (plus) throw problem(source, `+${operator}: needs no + (author:, category:, like: and min: always apply; + requires a word or a "phrase")`);
      if (!value) throw problem(source, `${operator}: needs a value (e.g. author:"Song Han", category:cs.CV, like:2403.12345, min:0.3)`);
      if (operator === 'author') (negated ? query.excludedAuthors : query.authors).push(value);
      else if (negated) throw problem(source, `-${operator}: cannot be negated`);
      else if (operator === 'category' || operator === 'cat') {
        if (!/^[a-z-]+(?:\.[A-Za-z-]+)?$/i.test(value)) throw problem(source, `category:${value} is not an arXiv category (e.g. cs.CV, cs, stat.ML)`);
        query.categories.push(value.toLowerCase());
      } else if (operator === 'like') query.seeds.push(seedId(source, value));
      else {
        const min = Number(value);
        if (!/^\d*\.?\d+$/.test(value) || !(min >= 0 && min <= 1)) throw problem(source, `min:${value} must be a number from 0 to 1 (e.g. min:0.3)`);
        query.minScore = min;
      }
    }
    if (alternative.terms.length > 0) query.alternatives.push(alternative);
  }
  if (query.alternatives.length === 0 && query.authors.length === 0 && query.categories.length === 0 && query.seeds.length === 0) {
    throw problem(source, 'has no words to match (write e.g. "neural architecture search" OR NAS)');
  }
  return query;
}
