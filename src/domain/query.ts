import { InvalidInputError } from './errors.js';

/**
 * A topic query: alternatives separated by `OR`; each alternative needs all of its words and
 * "quoted phrases", and none of its `-excluded` words. Words match on a light stem, so
 * "detector" does not match "detection" but "transformers" matches "transformer".
 */
export interface Query {
  alternatives: Alternative[];
}

export interface Alternative {
  /** Each required term is a sequence of stemmed tokens (one token for a word, more for a phrase). */
  required: string[][];
  excluded: string[][];
}

const STOPWORDS = new Set(['a', 'an', 'and', 'for', 'in', 'of', 'on', 'the', 'to', 'with', 'via', 'by']);

/** A light English stemmer: enough to fold plurals, not a linguistic one. */
export function stem(token: string): string {
  if (token.length <= 3 || /\d/.test(token)) return token;
  if (token.endsWith('ies') && token.length > 4) return `${token.slice(0, -3)}y`;
  if (/(?:ss|sh|ch|x)es$/.test(token)) return token.slice(0, -2);
  if (token.endsWith('s') && !token.endsWith('ss') && !token.endsWith('us') && !token.endsWith('is')) {
    return token.slice(0, -1);
  }
  return token;
}

/** Splits text into lowercase stemmed tokens; hyphenated words and "3D"-style tokens stay whole. */
export function tokenize(text: string): string[] {
  const words = text.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '').match(/[\p{L}\p{N}]+(?:[-'][\p{L}\p{N}]+)*/gu);
  return (words ?? []).map(stem);
}

/** Parses a topic query; a query with nothing to match, or an unbalanced quote, is refused. */
export function parseQuery(source: string): Query {
  if ((source.match(/"/g)?.length ?? 0) % 2 === 1) {
    throw new InvalidInputError(`topic query ${JSON.stringify(source)} has an unclosed quote`);
  }
  const alternatives: Alternative[] = [];
  for (const part of source.split(/\s+OR\s+/)) {
    const alternative: Alternative = { required: [], excluded: [] };
    for (const m of part.matchAll(/(-?)"([^"]*)"|(-?)(\S+)/g)) {
      const negated = (m[1] ?? m[3]) === '-';
      const raw = m[2] ?? m[4] ?? '';
      const isPhrase = m[2] !== undefined;
      const tokens = tokenize(raw).filter((t) => isPhrase || !STOPWORDS.has(t));
      if (tokens.length === 0) continue;
      // A bare word that tokenizes into several tokens ("low-rank/LoRA") is a set of words, not a phrase.
      const terms = isPhrase ? [tokens] : tokens.map((t) => [t]);
      (negated ? alternative.excluded : alternative.required).push(...terms);
    }
    if (alternative.required.length > 0) alternatives.push(alternative);
  }
  if (alternatives.length === 0) {
    throw new InvalidInputError(
      `topic query ${JSON.stringify(source)} has no words to match (write e.g. "neural architecture search" OR NAS)`,
    );
  }
  return { alternatives };
}
