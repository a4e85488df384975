// Bytes to text for every source, file or download. The encoding is the one the source declares:
// a byte order mark, else the server's charset, else the XML declaration, else UTF-8 (which JSON
// and the Daily Papers page always are). What cannot be read is replaced and reported, never
// stored quietly.
import { isUtf8 } from 'node:buffer';

export interface DecodedSource {
  text: string;
  /** The WHATWG name of the encoding read (ISO-8859-1 is read as its superset windows-1252, as browsers do). */
  encoding: string;
  /** What was read with doubt: one line each, naming the file and where. */
  warnings: string[];
}

const REPLACEMENT = '\uFFFD';

/** The charset parameter of a Content-Type header, if any. */
function charsetOf(contentType: string | undefined): string | undefined {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return m?.[1];
}

function bomEncoding(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return undefined;
}

/** The `encoding` of an XML declaration at the very start (`<?xml version="1.0" encoding="…"?>`). */
function xmlDeclaredEncoding(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.subarray(0, 256)).toString('latin1');
  const declaration = /^<\?xml\s[^?>]*\?>/.exec(head)?.[0];
  const label = declaration ? /\sencoding\s*=\s*["']([A-Za-z][\w.:-]*)["']/.exec(declaration)?.[1] : undefined;
  // A declaration readable byte by byte is not in UTF-16, whatever it says (real UTF-16 starts with a BOM).
  return label && /^utf-?16/i.test(label) ? undefined : label;
}

/** The encoding a label names, or undefined when no decoder knows it. */
function known(label: string): string | undefined {
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return undefined;
  }
}

/** Byte offset of the first sequence that is not UTF-8 (the input is known to hold one). */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    const extra = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (extra < 0 || i + extra >= b.length) return i;
    for (let k = 1; k <= extra; k++) if (((b[i + k] as number) & 0xc0) !== 0x80) return i;
    const next = b[i + 1] as number;
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF.
    if (
      (c === 0xe0 && next < 0xa0) ||
      (c === 0xed && next > 0x9f) ||
      (c === 0xf0 && next < 0x90) ||
      (c === 0xf4 && next > 0x8f)
    )
      return i;
    i += extra + 1;
  }
  return b.length;
}

function countOf(text: string, char: string): number {
  let n = 0;
  for (let at = text.indexOf(char); at >= 0; at = text.indexOf(char, at + 1)) n++;
  return n;
}

/** Line and column (1-based, in characters) at the end of `before`. */
function position(before: string): string {
  const lastBreak = before.lastIndexOf('\n');
  const line = countOf(before, '\n') + 1;
  const column = Array.from(before.slice(lastBreak + 1)).length + 1;
  return `line ${line}, column ${column}`;
}

function replacedWarning(file: string, encoding: string, count: number, where: string): string {
  const name = encoding === 'utf-8' ? 'UTF-8' : encoding;
  return `${file}: ${count} ${count === 1 ? 'character' : 'characters'} could not be read as ${name} and became "${REPLACEMENT}", the first at ${where} (an encoding the source does not declare?)`;
}

const WRITTEN_REPLACEMENT = Buffer.from(REPLACEMENT, 'utf8');

/**
 * Decodes a source's bytes by what it declares (byte order mark, then `contentType`'s charset,
 * then the XML declaration), UTF-8 when it declares nothing. Bytes the encoding cannot read
 * become U+FFFD and a warning says how many and where the first one is.
 */
export function decodeSource(bytes: Uint8Array, file: string, contentType?: string): DecodedSource {
  const warnings: string[] = [];
  const fromServer = charsetOf(contentType);
  const fromDocument = xmlDeclaredEncoding(bytes);
  for (const [label, who] of [
    [fromServer, 'the server'],
    [fromDocument, 'the document'],
  ] as const) {
    if (label && !known(label))
      warnings.push(
        `${file}: ${who} declares the encoding "${label}", which Paperboy cannot read: read as UTF-8 unless something else is declared`,
      );
  }
  let encoding = bomEncoding(bytes) ?? known(fromServer ?? '') ?? known(fromDocument ?? '') ?? 'utf-8';
  // A server that labels everything UTF-8 while the document says otherwise (and its bytes are
  // not UTF-8) is wrong about this document: the document knows its own encoding.
  const documentEncoding = known(fromDocument ?? '');
  if (
    !bomEncoding(bytes) &&
    encoding === 'utf-8' &&
    documentEncoding &&
    documentEncoding !== 'utf-8' &&
    !isUtf8(bytes)
  ) {
    warnings.push(
      `${file}: the server says UTF-8 but the bytes are not; read as ${documentEncoding}, as the document declares`,
    );
    encoding = documentEncoding;
  }

  const text = new TextDecoder(encoding).decode(bytes);
  if (!text.includes(REPLACEMENT)) return { text, encoding, warnings };
  if (encoding === 'utf-8') {
    if (isUtf8(bytes)) return { text, encoding, warnings };
    // U+FFFD written in the source itself is text, not damage: only the replacements are counted.
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let written = 0;
    for (let at = buffer.indexOf(WRITTEN_REPLACEMENT); at >= 0; at = buffer.indexOf(WRITTEN_REPLACEMENT, at + 3))
      written++;
    const offset = firstInvalidUtf8(bytes);
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, offset));
    warnings.push(replacedWarning(file, encoding, countOf(text, REPLACEMENT) - written, position(before)));
  } else {
    warnings.push(
      replacedWarning(file, encoding, countOf(text, REPLACEMENT), position(text.slice(0, text.indexOf(REPLACEMENT)))),
    );
  }
  return { text, encoding, warnings };
}
