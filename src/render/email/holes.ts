// A digest is rendered once; what differs per recipient is left as holes and filled at send time.
// A hole is its name between two U+001F characters: control characters are stripped from every
// paper field before rendering, so no title or abstract can forge or break a hole.

const MARK = '\u001F';

/**
 * `rateUrl` is the recipient's rating page without the paper: each paper's "more like this" and
 * "not for me" links add the paper, its topic and the choice, which are the same for every recipient.
 */
export type HoleName = 'recipient' | 'unsubscribeUrl' | 'preferencesUrl' | 'rateUrl';
export type HoleValues = Record<HoleName, string>;

/** What the templates receive as `holes`: each name maps to its marker. */
export const HOLE_MARKERS: HoleValues = {
  recipient: `${MARK}recipient${MARK}`,
  unsubscribeUrl: `${MARK}unsubscribeUrl${MARK}`,
  preferencesUrl: `${MARK}preferencesUrl${MARK}`,
  rateUrl: `${MARK}rateUrl${MARK}`,
};

/**
 * Splits a rendered digest at its holes once, so that filling it for each recipient is a join.
 * Even-indexed parts are literal text, odd-indexed parts are hole names.
 */
export function splitHoles(rendered: string): string[] {
  return rendered.split(MARK);
}

/** Fills the holes of a split template; `escapeValue` is applied to each value (HTML-escaping for the HTML part). */
export function fillHoles(
  parts: readonly string[],
  values: HoleValues,
  escapeValue: (s: string) => string = (s) => s,
): string {
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (i % 2 === 0) out += part;
    else if (part in values) out += escapeValue(values[part as HoleName]);
    else throw new Error(`unknown hole "${part}" in a rendered digest`);
  }
  return out;
}

/** A split template with its literal parts already UTF-8 encoded: filling it copies bytes, it encodes nothing large. */
export interface EncodedParts {
  literals: Buffer[];
  holes: HoleName[];
}

/** Encodes the literal parts of a split template once. */
export function encodeParts(parts: readonly string[]): EncodedParts {
  const literals: Buffer[] = [];
  const holes: HoleName[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (i % 2 === 0) literals.push(Buffer.from(part, 'utf8'));
    else if (part in HOLE_MARKERS) holes.push(part as HoleName);
    else throw new Error(`unknown hole "${part}" in a rendered digest`);
  }
  return { literals, holes };
}

/**
 * Fills an encoded template: the bytes that go on the wire, in one buffer. Each value is escaped
 * and encoded once, however many holes it fills (a rating link per paper is one each).
 */
export function fillBytes(t: EncodedParts, values: HoleValues, escapeValue: (s: string) => string = (s) => s): Buffer {
  const filled: Buffer[] = [];
  const encoded: Partial<Record<HoleName, Buffer>> = {};
  let length = 0;
  for (const l of t.literals) length += l.length;
  for (const name of t.holes) {
    const b = (encoded[name] ??= Buffer.from(escapeValue(values[name]), 'utf8'));
    filled.push(b);
    length += b.length;
  }
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  for (let i = 0; i < t.literals.length; i++) {
    at += (t.literals[i] as Buffer).copy(out, at);
    const hole = filled[i];
    if (hole) at += hole.copy(out, at);
  }
  return out;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] as string);
}
