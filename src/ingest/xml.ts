import { lineOfOffset } from './json-lines.js';

export { parseXml, type XmlNode } from './xml-tree.js';
import type { XmlNode } from './xml-tree.js';

const NUMERIC_REF = /&#(x[0-9a-f]+|\d+);/gi;

function decodeNumeric(s: string): string {
  if (!s.includes('&#')) return s;
  return s.replace(NUMERIC_REF, (ref, code: string) => {
    const n = code[0] === 'x' || code[0] === 'X' ? parseInt(code.slice(1), 16) : Number(code);
    return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : ref;
  });
}

/** The text of an element, whether it came as a string or as an object with attributes. */
export function text(node: unknown): string {
  if (node === undefined || node === null) return '';
  if (typeof node === 'string') return decodeNumeric(node);
  if (Array.isArray(node)) return text(node[0]);
  if (typeof node === 'object') return text((node as XmlNode)['#text']);
  return String(node);
}

export function attr(node: unknown, name: string): string | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const v = (node as XmlNode)[`@_${name}`];
  return typeof v === 'string' ? v : undefined;
}

export function list(node: unknown): XmlNode[] {
  if (node === undefined || node === null || node === '') return [];
  return (Array.isArray(node) ? node : [node]).map((n) => (typeof n === 'object' ? (n as XmlNode) : { '#text': n }));
}

export function child(node: unknown, name: string): XmlNode | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const c = (node as XmlNode)[name];
  if (c === undefined || c === null) return undefined;
  const first = Array.isArray(c) ? c[0] : c;
  return typeof first === 'object' ? (first as XmlNode) : { '#text': first };
}

/** The line of the n-th (0-based) opening `<tag` in the text: for errors that name an entry. */
export function lineOfElement(source: string, tag: string, n: number): number | undefined {
  let at = -1;
  for (let i = 0; i <= n; i++) {
    at = source.indexOf(`<${tag}`, at + 1);
    while (at >= 0 && /[\w:-]/.test(source[at + tag.length + 1] ?? '')) at = source.indexOf(`<${tag}`, at + 1);
    if (at < 0) return undefined;
  }
  return lineOfOffset(source, at);
}

/** An RFC 822 or ISO date as ISO 8601 UTC, or undefined when it is no date. */
export function isoDate(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const ms = Date.parse(raw.trim());
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

const TAG = /<[^>]*>/g;

/** HTML of a feed's description as plain text (feeds often put markup in it). */
export function htmlToText(html: string): string {
  return html
    .replace(/<(br|p|div|li)\b[^>]*>/gi, ' ')
    .replace(TAG, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&mdash;/g, '—')
    .replace(/&ndash;/g, '–')
    .replace(/&hellip;/g, '…')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'");
}

/** The newest of some ISO dates. */
export function newest(dates: readonly (string | undefined)[]): string | undefined {
  let best: string | undefined;
  for (const d of dates) if (d && (!best || d > best)) best = d;
  return best;
}
