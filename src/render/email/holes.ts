// A digest is rendered once; what differs per recipient is left as holes and filled at send time.
// A hole is its name between two U+001F characters: control characters are stripped from every
// paper field before rendering, so no title or abstract can forge or break a hole.

const MARK = '\u001F';

export type HoleName = 'recipient' | 'unsubscribeUrl' | 'preferencesUrl';
export type HoleValues = Record<HoleName, string>;

/** What the templates receive as `holes`: each name maps to its marker. */
export const HOLE_MARKERS: HoleValues = {
  recipient: `${MARK}recipient${MARK}`,
  unsubscribeUrl: `${MARK}unsubscribeUrl${MARK}`,
  preferencesUrl: `${MARK}preferencesUrl${MARK}`,
};

/**
 * Splits a rendered digest at its holes once, so that filling it for each recipient is a join.
 * Even-indexed parts are literal text, odd-indexed parts are hole names.
 */
export function splitHoles(rendered: string): string[] {
  return rendered.split(MARK);
}

/** Fills the holes of a split template; `escape` is applied to each value (HTML-escaping for the HTML part). */
export function fillHoles(parts: readonly string[], values: HoleValues, escape: (s: string) => string = (s) => s): string {
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (i % 2 === 0) out += part;
    else if (part in values) out += escape(values[part as HoleName]);
    else throw new Error(`unknown hole "${part}" in a rendered digest`);
  }
  return out;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] as string);
}
