import { americanSpelling } from './dialects.js';
import { porterStem } from './stem.js';

/**
 * Text analysis shared by the index and the query, so both sides meet on the same tokens:
 * lowercase, accents folded, stopwords dropped, British spellings made American, Porter stems. Compounds are split into their parts
 * (kept in order, for phrases) and also kept whole: "low-rank" gives low, rank and lowrank;
 * "10-shot" gives 10, shot and 10shot; "3-D" and "3D" both give 3d; "ProxylessNAS" gives
 * proxyless, nas and proxylessna(s); "few-shot" keeps its stopword: few, shot and fewshot.
 */
export interface Analysed {
  /** Stems in reading order, compounds split: what phrases are matched against. */
  seq: string[];
  /** Whole compounds ("lowrank", "turbovit"): matched as words, never inside phrases. */
  whole: string[];
}

// Common English function words plus the connective words of academic prose ("using", "based",
// "via", "et al"), which say nothing about a topic.
const STOPWORD_LIST =
  'a about above after again against all also am an and any are as at be because been before being below between both but by can could did do does doing down during each few for from further had has have having he her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only or other our ours ourselves out over own same she should so some such than that the their theirs them themselves then there these they this those through to too under until up very was we were what when where which while who whom why will with would you your yours yourself yourselves via using use used uses based towards toward upon within without across among thus however therefore moreover furthermore e g eg ie i.e et al';
const STOPWORDS: ReadonlySet<string> = new Set(STOPWORD_LIST.split(' '));

const WORD = /[\p{L}\p{N}]+(?:[-'’][\p{L}\p{N}]+)*/gu;

/** Splits "ProxylessNAS" into Proxyless and NAS, "Swin3D" into Swin and 3D; one-letter pieces stay attached ("ViT"). */
function camelParts(word: string): string[] {
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

// Stemming is the costly part of analysis and a vocabulary is small: each word is stemmed once.
const TERMS = new Map<string, string | undefined>();

/** Normalises one token: lowercase, possessive dropped, stemmed; undefined for a stopword. */
function term(raw: string): string | undefined {
  if (TERMS.has(raw)) return TERMS.get(raw);
  const t = computeTerm(raw);
  if (TERMS.size > 200_000) TERMS.clear();
  TERMS.set(raw, t);
  return t;
}

function computeTerm(raw: string): string | undefined {
  const bare = raw.replace(/['’]s$/, '').replace(/['’]/g, '');
  const lower = bare.toLowerCase();
  if (lower.length === 0 || STOPWORDS.has(lower)) return undefined;
  // Acronyms ("NAS", "LLMs", "ViT") are names, not English words: only a plural s comes off.
  if (/^(?=(?:[^A-Z]*[A-Z]){2})[A-Za-z0-9]{2,9}$/.test(bare))
    return lower.length > 3 && bare.endsWith('s') ? lower.slice(0, -1) : lower;
  // "quantisation" and "quantization" are one word ("whilst" is "while", a stopword).
  const word = americanSpelling(lower);
  if (STOPWORDS.has(word)) return undefined;
  return word.length <= 3 ? word : porterStem(word);
}

/**
 * A stopword at the start or end of a hyphenated compound is part of its meaning: "few-shot" is
 * not "shot" (zero-shot, one-shot), nor "in-context" "context", "off-policy" "policy", "all-MLP"
 * "MLP". It stays a token, lowercased and unstemmed as the word is. Inside a compound a stopword
 * is a connector and is still dropped: "state-of-the-art" is state, art; "end-to-end" end, end.
 * Alone ("a few shots") it is dropped as ever.
 */
function keptStopword(part: string): string | undefined {
  const lower = part
    .replace(/['’]s$/, '')
    .replace(/['’]/g, '')
    .toLowerCase();
  return STOPWORDS.has(lower) ? lower : undefined;
}

interface WordTokens {
  /** The word as written. */
  word: string;
  seq: readonly string[];
  whole: string | undefined;
  /** The same as term ids in the Vocabulary numbered `stamp` (the last one to read the word). */
  stamp: number;
  seqIds: number[];
  wholeId: number;
}

// A vocabulary is small next to a corpus: each distinct word is analysed once.
const WORDS = new Map<string, WordTokens>();

function analyseWord(word: string): WordTokens {
  let cached = WORDS.get(word);
  if (cached) return cached;
  const hyphenParts = word.split('-');
  if (hyphenParts.length === 1 && camelParts(word).length === 1) {
    const t = term(word);
    cached = { word, seq: t ? [t] : [], whole: undefined, stamp: 0, seqIds: [], wholeId: -1 };
  } else {
    const seq: string[] = [];
    hyphenParts.forEach((hyphenPart, k) => {
      const edge = k === 0 || k === hyphenParts.length - 1;
      for (const part of camelParts(hyphenPart)) {
        const t = term(part) ?? (edge ? keptStopword(part) : undefined);
        if (t) seq.push(t);
      }
    });
    cached = { word, seq, whole: term(hyphenParts.join('')), stamp: 0, seqIds: [], wholeId: -1 };
  }
  if (WORDS.size > 200_000) WORDS.clear();
  WORDS.set(word, cached);
  const only = cached.seq.length === 1 ? cached.seq[0] : undefined;
  if (only !== undefined) {
    const lower = word.toLowerCase();
    const known = SURFACE.get(only);
    if (known === undefined || lower.length < known.length || (lower.length === known.length && lower < known))
      SURFACE.set(only, lower);
  }
  return cached;
}

// The plainest word seen for each stem ("supernet" for supernet, "searching" → "search"): explanations show words, not stems.
const SURFACE = new Map<string, string>();

/** A readable word for a stem: the shortest word analysed so far that has it. */
export function surfaceOf(stem: string): string {
  return SURFACE.get(stem) ?? stem;
}

/**
 * Marks in an index's stem sequences (Vocabulary.read with `marks`), so that a phrase matches
 * words that stand together in the text: a phrase never runs over a clause's end (, . ; : ? ! or a
 * bracket), nor over a dropped word unless the phrase as typed has one too ("state of the art").
 * "LLMs, inference-time techniques" and "LLMs and inference" are not "LLM inference".
 */
export const CLAUSE_BREAK = -1;
export const DROPPED_WORD = -2;

/** Whether the analysis drops some of the text's words (stopwords): such a phrase matches across dropped words. */
export function dropsWords(text: string): boolean {
  for (const match of fold(text).matchAll(WORD)) {
    const parts = match[0].split('-');
    const dropped = (part: string, k: number) =>
      term(part) === undefined && (parts.length === 1 || (k > 0 && k < parts.length - 1) || !keptStopword(part));
    if (parts.some(dropped)) return true;
  }
  return false;
}

/** Analyses a text (title or abstract) for indexing and matching. */
export function analyse(text: string): Analysed {
  const seq: string[] = [];
  const whole: string[] = [];
  eachWord(text, (tokens) => {
    for (const t of tokens.seq) seq.push(t);
    if (tokens.whole) whole.push(tokens.whole);
  });
  return { seq, whole };
}

let vocabularies = 0;

/**
 * Numbers the stems of one index (term id ↔ stem) and reads texts straight into term ids. Each
 * word remembers its ids in the vocabulary that read it last, so a corpus's words are looked up
 * once per occurrence, not once per stem and again per id.
 */
export class Vocabulary {
  readonly ids = new Map<string, number>();
  readonly names: string[] = [];
  /** Every distinct word read, as written (for "did you mean": spelling.ts). */
  readonly words: string[] = [];
  private readonly stamp = ++vocabularies;

  idOf(stem: string): number {
    let id = this.ids.get(stem);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(stem, id);
      this.names.push(stem);
    }
    return id;
  }

  /**
   * Analyses a text as analyse() does: its stems' ids in reading order onto `seq`, its whole forms'
   * onto `whole`. With `marks`, `seq` also gets CLAUSE_BREAK and DROPPED_WORD where phrases stop.
   */
  read(text: string, seq: number[], whole: number[], marks = false): void {
    const start = seq.length;
    eachWord(
      text,
      (tokens) => {
        if (tokens.stamp !== this.stamp) {
          this.words.push(tokens.word);
          tokens.seqIds = tokens.seq.map((t) => this.idOf(t));
          tokens.wholeId = tokens.whole ? this.idOf(tokens.whole) : -1;
          tokens.stamp = this.stamp;
        }
        if (marks && tokens.seqIds.length === 0 && seq.length > start && (seq[seq.length - 1] as number) >= 0)
          seq.push(DROPPED_WORD);
        for (const id of tokens.seqIds) seq.push(id);
        if (tokens.wholeId >= 0) whole.push(tokens.wholeId);
      },
      marks
        ? () => {
            if (seq.length === start) return;
            if (seq[seq.length - 1] === DROPPED_WORD) seq[seq.length - 1] = CLAUSE_BREAK;
            else if ((seq[seq.length - 1] as number) >= 0) seq.push(CLAUSE_BREAK);
          }
        : undefined,
    );
  }
}

// Punctuation that ends a clause: , . ; : ? ! before a space or the end (not "3.5" or "1,000"), and brackets.
const CLAUSE_END = /[.,;:?!](?![\p{L}\p{N}])|[()[\]]/u;

/** Each word of a text, analysed, in reading order; `clause` is called where a clause ends between words. */
function eachWord(text: string, visit: (tokens: WordTokens) => void, clause?: () => void): void {
  // Most text is ASCII: it needs no accent folding, and a scan by character codes finds its words
  // without a match object each: /[A-Za-z0-9]+(?:[-'][A-Za-z0-9]+)*/, letters and digits joined by - or '.
  if (/[^\x00-\x7F]/.test(text)) {
    const folded = fold(text);
    let last = 0;
    for (const match of folded.matchAll(WORD)) {
      if (clause && CLAUSE_END.test(folded.slice(last, match.index))) clause();
      last = (match.index ?? 0) + match[0].length;
      visit(analyseWord(match[0]));
    }
    return;
  }
  const end = text.length;
  let i = 0;
  while (i < end) {
    let c = text.charCodeAt(i);
    if (!isAlnum(c)) {
      if (clause && endsClause(text, i, c)) clause();
      i++;
      continue;
    }
    const start = i;
    let hash = 0x811c9dc5;
    for (;;) {
      while (i < end && isAlnum((c = text.charCodeAt(i)))) {
        hash = Math.imul(hash ^ c, 0x01000193);
        i++;
      }
      if ((c === 45 || c === 39) && i + 1 < end && isAlnum(text.charCodeAt(i + 1))) {
        hash = Math.imul(hash ^ c, 0x01000193);
        i++;
      } else break;
    }
    visit(wordAt(text, start, i, hash));
  }
}

interface WordEntry {
  word: string;
  tokens: WordTokens;
  next: WordEntry | undefined;
}

// The words of ASCII text by a hash of their characters, so that a word already seen is found
// without cutting it out of the text first (looking up cut-out words was most of the analysis).
const BY_HASH = new Map<number, WordEntry>();

function wordAt(text: string, start: number, end: number, hash: number): WordTokens {
  const first = BY_HASH.get(hash);
  for (let e = first; e; e = e.next)
    if (e.word.length === end - start && text.startsWith(e.word, start)) return e.tokens;
  const word = text.slice(start, end);
  const tokens = analyseWord(word);
  let next = first;
  if (BY_HASH.size > 200_000) {
    BY_HASH.clear();
    next = undefined;
  }
  BY_HASH.set(hash, { word, tokens, next });
  return tokens;
}

/** Whether the character c at i ends a clause (see CLAUSE_END), by character codes. */
function endsClause(text: string, i: number, c: number): boolean {
  if (c === 40 || c === 41 || c === 91 || c === 93) return true;
  const punctuation = c === 44 || c === 46 || c === 59 || c === 58 || c === 63 || c === 33;
  return punctuation && (i + 1 >= text.length || !isAlnum(text.charCodeAt(i + 1)));
}

/** [A-Za-z0-9] */
function isAlnum(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
}

/** The tokens of a text as the index sees them: parts and wholes. */
export function indexTokens(a: Analysed): string[] {
  return a.whole.length === 0 ? a.seq : [...a.seq, ...a.whole];
}
