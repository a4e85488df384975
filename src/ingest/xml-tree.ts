import { createRequire } from 'node:module';
import { ParseError } from '../domain/errors.js';

/** A parsed XML element: attributes under `@_name`, text under `#text`, children by tag name. */
export type XmlNode = { [key: string]: unknown };

// Every element that may repeat is read as an array, so one entry and many look the same.
const REPEATED = new Set(['entry', 'item', 'author', 'category', 'link', 'day', 'dc:creator', 'contributor']);

// The part of sax's (untyped) CommonJS API used here.
interface SaxTag {
  name: string;
  attributes: Record<string, string>;
}
interface SaxParser {
  line: number;
  state: number;
  tagName: string;
  ENTITIES: Record<string, string>;
  onopentag: (tag: SaxTag) => void;
  ontext: (text: string) => void;
  oncdata: (text: string) => void;
  onclosetag: (name: string) => void;
  onerror: (err: Error) => void;
  write(chunk: string): SaxParser;
  close(): SaxParser;
}
interface Sax {
  parser(strict: boolean, options: { position?: boolean; strictEntities?: boolean }): SaxParser;
  XML_ENTITIES: Record<string, string>;
  STATE: Record<string, number>;
}

// sax is a strict, streaming parser: it checks well-formedness while it reads, in one pass (a
// separate validation pass and a second parse cost three times as much). Loaded on the first XML
// document, so commands that never read one do not pay for it.
const require = createRequire(import.meta.url);
let sax: { lib: Sax; entities: Record<string, string>; insideOpenTag: Set<number> } | undefined;
function load() {
  if (!sax) {
    const lib = require('sax') as Sax;
    // XML's five entities are decoded; any other named one (&nbsp; in a feed written as HTML) is
    // kept as written, for htmlToText to read, rather than failing the whole document.
    const entities = new Proxy(lib.XML_ENTITIES, {
      get: (known, name) =>
        typeof name !== 'string' || name in known || name.startsWith('#') ? known[name as string] : `&${name};`,
    });
    const S = lib.STATE;
    const insideOpenTag = new Set(
      [
        S.OPEN_TAG,
        S.OPEN_TAG_SLASH,
        S.ATTRIB,
        S.ATTRIB_NAME,
        S.ATTRIB_NAME_SAW_WHITE,
        S.ATTRIB_VALUE,
        S.ATTRIB_VALUE_QUOTED,
        S.ATTRIB_VALUE_CLOSED,
        S.ATTRIB_VALUE_UNQUOTED,
        S.ATTRIB_VALUE_ENTITY_Q,
        S.ATTRIB_VALUE_ENTITY_U,
      ].filter((s): s is number => s !== undefined),
    );
    sax = { lib, entities, insideOpenTag };
  }
  return sax;
}

// A truncated file can leave thousands of elements open, and a name can be any length: the error
// names a few, so that it stays one readable line.
const shortName = (name: string) => (name.length > 40 ? `${name.slice(0, 39)}…` : name);
const tag = (name: string | undefined) => `<${shortName(name ?? '')}>`;
function openElements(names: string[]): string {
  if (names.length <= 5) return names.map(tag).join(', ');
  return `${names.slice(0, 2).map(tag).join(', ')}, … ${names.length - 4} more …, ${names.slice(-2).map(tag).join(', ')}`;
}

interface Open {
  name: string;
  node: XmlNode;
  text: string;
  /** Whether the element has attributes or child elements, i.e. is more than its text. */
  structured: boolean;
}

function addChild(parent: Open, name: string, value: unknown): void {
  parent.structured = true;
  const node = parent.node;
  const existing = node[name];
  // (An element named like an inherited property, `constructor`, is not there yet.)
  if (existing === undefined || !Object.hasOwn(node, name)) {
    const first = REPEATED.has(name) ? [value] : value;
    // An element named __proto__ is only a key; plain assignment everywhere else keeps the objects fast.
    if (name === '__proto__')
      Object.defineProperty(node, name, { value: first, enumerable: true, writable: true, configurable: true });
    else node[name] = first;
  } else if (Array.isArray(existing)) {
    existing.push(value);
  } else {
    node[name] = [existing, value];
  }
}

/**
 * Parses XML into nested objects, checking that it is well-formed on the way: an element left
 * open at the end (a truncated download) or any other break names its line.
 */
export function parseXml(source: string, file: string): XmlNode {
  if (source.trim().length === 0) throw new ParseError(file, undefined, 'the file is empty');
  const { lib, entities, insideOpenTag } = load();
  const parser = lib.parser(true, { position: true, strictEntities: true });
  parser.ENTITIES = entities;
  const root: Open = { name: '', node: {}, text: '', structured: true };
  const stack: Open[] = [root];
  let top = root;

  parser.onopentag = (tag) => {
    const node: XmlNode = {};
    let structured = false;
    for (const name in tag.attributes) {
      node[`@_${name}`] = (tag.attributes[name] as string).trim();
      structured = true;
    }
    top = { name: tag.name, node, text: '', structured };
    stack.push(top);
  };
  // Text is trimmed piece by piece (around child elements, comments and CDATA sections).
  parser.ontext = parser.oncdata = (text) => {
    const trimmed = text.trim();
    if (trimmed) top.text += trimmed;
  };
  parser.onclosetag = () => {
    const closed = stack.pop() as Open;
    top = stack[stack.length - 1] as Open;
    if (!closed.structured) return addChild(top, closed.name, closed.text);
    if (closed.text) closed.node['#text'] = closed.text;
    addChild(top, closed.name, closed.node);
  };
  parser.onerror = (err) => {
    const reason = err.message.split('\n')[0] ?? err.message;
    if (reason === 'Unclosed root tag' || (reason === 'Unexpected end' && stack.length > 1)) {
      const names = stack.slice(1).map((o) => o.name);
      // Cut inside a start tag: that element was being opened too.
      if (insideOpenTag.has(parser.state) && parser.tagName) names.push(parser.tagName);
      const lines = source.split('\n').length;
      throw new ParseError(
        file,
        lines,
        `the document ends inside ${tag(names.at(-1))}, with ${openElements(names)} never closed: a truncated download?`,
      );
    }
    const detail =
      reason === 'Unexpected close tag'
        ? `found </${shortName(parser.tagName)}> where </${shortName(top.name)}> was expected`
        : reason.replace(/\.$/, '');
    throw new ParseError(file, parser.line + 1, `not well-formed XML: ${detail}`, { cause: err });
  };
  parser.write(source).close();
  return root.node;
}
