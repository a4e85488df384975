import { porterStem } from './stem.js';

/**
 * Text analysis shared by the index and the query, so both sides meet on the same tokens:
 * lowercase, accents folded, stopwords dropped, Porter stems. Compounds are split into their parts
 * (kept in order, for phrases) and also kept whole: "low-rank" gives low, rank and lowrank;
 * "10-shot" gives 10, shot and 10shot; "3-D" and "3D" both give 3d; "ProxylessNAS" gives
 * proxyless, nas and proxylessna(s).
 */
export interface Analysed {
  /** Stems in reading order, compounds split: what phrases are matched against. */
  seq: string[];
  /** Whole compounds ("lowrank", "turbovit"): matched as words, never inside phrases. */
  whole: string[];
}

// Common English function words plus words every abstract uses ("propose", "paper", "results").
const STOPWORD_LIST =
  'a about above after again against all also am an and any are as at be because been before being below between both but by can could did do does doing down during each few for from further had has have having he her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only or other our ours ourselves out over own same she should so some such than that the their theirs them themselves then there these they this those through to too under until up very was we were what when where which while who whom why will with would you your yours yourself yourselves via using use used uses based towards toward upon within without across among thus however therefore moreover furthermore e g eg ie i.e et al';
export const STOPWORDS: ReadonlySet<string> = new Set(STOPWORD_LIST.split(' '));

const WORD = /[\p{L}\p{N}]+(?:[-'’][\p{L}\p{N}]+)*/gu;

/** Splits "ProxylessNAS" into Proxyless and NAS, "Swin3D" into Swin and 3D; one-letter pieces stay attached ("ViT"). */
export function camelParts(word: string): string[] {
  // "ViTs", "LLMs", "GANs" are one acronym: a word is only split around a real lowercase word.
  if (!/[a-z]{3}/.test(word)) return [word];
  const pieces = word
    .replace(/([a-z])([A-Z])/g, '$1\u0000$2')
    .replace(/([A-Z]+)([A-Z][a-z]{2,})/g, '$1\u0000$2')
    .replace(/([A-Za-z]{2,})(\d)/g, '$1\u0000$2')
    .split('\u0000');
  const merged: string[] = [];
  for (const piece of pieces) {
    if (piece.length < 2 && merged.length > 0) merged[merged.length - 1] += piece;
    else merged.push(piece);
  }
  return merged.length > 1 && merged.every((p) => p.length >= 2) ? merged : [word];
}

const fold = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '');

/** Normalises one token: lowercase, possessive dropped, stemmed; undefined for a stopword. */
export function term(raw: string): string | undefined {
  const bare = raw.replace(/['’]s$/, '').replace(/['’]/g, '');
  const lower = bare.toLowerCase();
  if (lower.length === 0 || STOPWORDS.has(lower)) return undefined;
  // Acronyms ("NAS", "LLMs", "ViT") are names, not English words: only a plural s comes off.
  if (/^(?=(?:[^A-Z]*[A-Z]){2})[A-Za-z0-9]{2,9}$/.test(bare)) return lower.length > 3 && bare.endsWith('s') ? lower.slice(0, -1) : lower;
  return lower.length <= 3 ? lower : porterStem(lower);
}

/** Analyses a text (title or abstract) for indexing and matching. */
export function analyse(text: string): Analysed {
  const seq: string[] = [];
  const whole: string[] = [];
  for (const match of fold(text).matchAll(WORD)) {
    const word = match[0];
    const hyphenParts = word.split('-');
    const parts = hyphenParts.flatMap(camelParts);
    if (parts.length === 1) {
      const t = term(word);
      if (t) seq.push(t);
      continue;
    }
    for (const part of parts) {
      const t = term(part);
      if (t) seq.push(t);
    }
    const joined = term(hyphenParts.join(''));
    if (joined) whole.push(joined);
  }
  return { seq, whole };
}

/** The tokens of a text as the index sees them: parts and wholes. */
export function indexTokens(a: Analysed): string[] {
  return a.whole.length === 0 ? a.seq : [...a.seq, ...a.whole];
}

/** Whether `phrase` occurs as consecutive stems in `seq`. */
export function containsPhrase(seq: readonly string[], phrase: readonly string[]): boolean {
  const first: string | undefined = phrase[0];
  if (first === undefined) return false;
  for (let i = seq.indexOf(first); i !== -1 && i + phrase.length <= seq.length; i = seq.indexOf(first, i + 1)) {
    let j = 1;
    while (j < phrase.length && seq[i + j] === phrase[j]) j++;
    if (j === phrase.length) return true;
  }
  return false;
}
