import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ParseError } from '../domain/errors.js';
import { lineOfOffset } from './json-lines.js';

/** A parsed XML element: attributes under `@_name`, text under `#text`, children by tag name. */
export type XmlNode = { [key: string]: unknown };

// Every element that may repeat is read as an array, so one entry and many look the same.
const REPEATED = new Set(['entry', 'item', 'author', 'category', 'link', 'day', 'dc:creator', 'contributor']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  // Ids such as 2403.01234 must stay strings, and so must everything else.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: true,
  isArray: (name) => REPEATED.has(name),
});

/** Parses XML after checking it is well-formed; a truncated or broken body names its line. */
export function parseXml(text: string, file: string): XmlNode {
  if (text.trim().length === 0) throw new ParseError(file, undefined, 'the file is empty');
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    const { line, msg } = valid.err;
    // The validator reports elements left open at the end as a list of names on line 1.
    const open = /^Invalid '\[(.*)\]' found\.$/s.exec(msg);
    if (open) {
      const names = (open[1] ?? '').split(',').map((n) => n.trim().replace(/^"|"$/g, ''));
      const last = text.split('\n').length;
      throw new ParseError(file, last, `the document ends inside <${names.at(-1)}>, with ${names.map((n) => `<${n}>`).join(', ')} never closed: a truncated download?`);
    }
    throw new ParseError(file, line, `not well-formed XML: ${msg}`);
  }
  return parser.parse(text) as XmlNode;
}

/** The text of an element, whether it came as a string or as an object with attributes. */
export function text(node: unknown): string {
  if (node === undefined || node === null) return '';
  if (typeof node === 'string') return node;
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
