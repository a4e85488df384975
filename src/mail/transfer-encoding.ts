// The body of one MIME part, encoded once for every recipient of an edition, with holes that are
// filled per recipient without re-encoding what is around them. Each encoding keeps its rules
// whatever the values: quoted-printable puts every value on soft lines of its own, base64 carries
// the 0–2 bytes a value leaves over into the next piece, 8bit checks the 998-octet line limit.
// Every body is written in pieces split as SMTP's dot-stuffing needs them (dot-stuffing.ts): a
// line that begins with a dot begins a piece, or (quoted-printable) no line begins with a dot.
import { splitAtDotLines } from './dot-stuffing.js';

export type TransferEncoding = '7bit' | '8bit' | 'quoted-printable' | 'base64';

/** A hole's value as bytes, already escaped for the part (HTML-escaped in the HTML part). */
export type HoleBytes = (name: string) => Buffer;

export interface EncodedBody {
  encoding: TransferEncoding;
  /** Bytes of the body with every hole empty: what the encoding is chosen by. */
  size: number;
  /**
   * Appends the encoded body for one recipient to `out`, split as dot-stuffing.ts asks. False (and nothing appended) when this
   * recipient's values do not fit the encoding: a line over 998 octets, or 8-bit bytes in 7bit.
   */
  write(value: HoleBytes, out: Buffer[]): boolean;
}

const CRLF = Buffer.from('\r\n');
const SOFT_BREAK = Buffer.from('=\r\n');
/** RFC 5322: a line is at most 998 octets without its CRLF. */
const MAX_LINE = 998;
/** RFC 2045: quoted-printable and base64 lines are at most 76 characters. */
const QP_LINE = 76;
const BASE64_LINE_BYTES = 57; // 76 characters of base64

/** Template text with LF or CRLF line ends, as SMTP needs them: CRLF. */
function toCrlf(s: string): string {
  return s.replace(/\r?\n/g, '\r\n');
}

/** A split template (literals at even indices, hole names at odd ones) with its literals as CRLF bytes. */
export interface BodyTemplate {
  literals: Buffer[];
  holes: string[];
}

export function bodyTemplate(parts: readonly string[]): BodyTemplate {
  const literals: Buffer[] = [];
  const holes: string[] = [];
  parts.forEach((p, i) => {
    if (i % 2 === 0) literals.push(Buffer.from(toCrlf(p), 'utf8'));
    else holes.push(p);
  });
  return { literals, holes };
}

const HEX = '0123456789ABCDEF';

/**
 * Quoted-printable of `input` from the start of a line: CRLF stays a line break, lines stay within
 * 76 characters with soft breaks, a line never ends in a space or tab, and never begins with a dot
 * (encoded: nothing on the wire needs dot-stuffing, whatever the values). With `open`, the text
 * continues after it (a hole follows), so it ends in a soft break if it does not end a line.
 */
function quotedPrintable(input: Buffer, open: boolean): Buffer {
  const out = Buffer.allocUnsafe(input.length * 3 + Math.ceil((input.length * 3) / (QP_LINE - 1)) * 3 + 3);
  let at = 0;
  let col = 0;
  const room = (n: number) => {
    if (col + n > QP_LINE - 1) {
      out[at++] = 0x3d;
      out[at++] = 0x0d;
      out[at++] = 0x0a;
      col = 0;
    }
  };
  for (let i = 0; i < input.length; i++) {
    const b = input[i] as number;
    if (b === 0x0d && input[i + 1] === 0x0a) {
      out[at++] = 0x0d;
      out[at++] = 0x0a;
      col = 0;
      i++;
      continue;
    }
    const whitespace = b === 0x20 || b === 0x09;
    // A space or tab at the end of a line (or of the body) would be stripped in transit.
    const endsLine = i + 1 === input.length ? !open : input[i + 1] === 0x0d && input[i + 2] === 0x0a;
    if ((b >= 0x21 && b <= 0x7e && b !== 0x3d) || (whitespace && !endsLine)) {
      room(1);
      if (b === 0x2e && col === 0) {
        out[at++] = 0x3d;
        out[at++] = 0x32;
        out[at++] = 0x45;
        col += 3;
        continue;
      }
      out[at++] = b;
      col++;
    } else {
      room(3);
      out[at++] = 0x3d;
      out[at++] = HEX.charCodeAt(b >> 4);
      out[at++] = HEX.charCodeAt(b & 15);
      col += 3;
    }
  }
  if (open && col > 0) at += SOFT_BREAK.copy(out, at);
  return out.subarray(0, at);
}

/** Base64 of `bytes` in lines of 76 characters, each ending in CRLF. */
function base64Lines(bytes: Buffer): Buffer {
  if (bytes.length === 0) return Buffer.alloc(0);
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += BASE64_LINE_BYTES)
    lines.push(bytes.subarray(i, i + BASE64_LINE_BYTES).toString('base64'));
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'latin1');
}

/** 7bit or 8bit: the bytes as they are, each line checked against 998 octets. */
function plainBody(t: BodyTemplate, encoding: '7bit' | '8bit'): EncodedBody {
  // A value holds no line break: only the literals' lines that begin with a dot need a piece of their own.
  const literalPieces = t.literals.map(splitAtDotLines);
  // Per literal: the length of its first and last line, and whether it holds a line break.
  const shape = t.literals.map((l) => {
    const first = l.indexOf(CRLF);
    return first < 0
      ? { first: l.length, last: l.length, breaks: false }
      : { first, last: l.length - l.lastIndexOf(CRLF) - 2, breaks: true };
  });
  const size = t.literals.reduce((n, l) => n + l.length, 0);
  return {
    encoding,
    size,
    write(value, out) {
      const pieces: Buffer[] = [];
      let col = 0;
      for (let i = 0; i < t.literals.length; i++) {
        const s = shape[i]!;
        if (col + s.first > MAX_LINE) return false;
        col = s.breaks ? s.last : col + s.first;
        for (const p of literalPieces[i]!) pieces.push(p);
        const name = t.holes[i];
        if (name === undefined) continue;
        const v = value(name);
        if (encoding === '7bit' && v.some((b) => b > 0x7f)) return false;
        col += v.length;
        pieces.push(v);
      }
      if (col > MAX_LINE) return false;
      for (const p of pieces) out.push(p);
      return true;
    },
  };
}

/** Quoted-printable: the literals encoded once; each value encoded on soft lines of its own. */
function qpBody(t: BodyTemplate): EncodedBody {
  const literals = t.literals.map((l, i) => quotedPrintable(l, i < t.holes.length));
  return {
    encoding: 'quoted-printable',
    size: literals.reduce((n, l) => n + l.length, 0),
    write(value, out) {
      for (let i = 0; i < literals.length; i++) {
        out.push(literals[i]!);
        const name = t.holes[i];
        if (name !== undefined) out.push(quotedPrintable(value(name), i + 1 < literals.length));
      }
      return true;
    },
  };
}

/**
 * Base64: each literal is encoded once for each of the three offsets a value can leave it at (the
 * bytes left over from what came before, 0 to 2); per recipient only the few bytes where a literal
 * meets a value are encoded.
 */
function base64Body(t: BodyTemplate): EncodedBody {
  const shifted = t.literals.map((l) =>
    [0, 1, 2].map((carried) => {
      const lead = Math.min((3 - carried) % 3, l.length);
      const whole = Math.floor((l.length - lead) / 3) * 3;
      return {
        lead: l.subarray(0, lead),
        middle: base64Lines(l.subarray(lead, lead + whole)),
        rest: l.subarray(lead + whole),
      };
    }),
  );
  const size = Math.ceil(t.literals.reduce((n, l) => n + l.length, 0) / BASE64_LINE_BYTES) * (QP_LINE + 2);
  return {
    encoding: 'base64',
    size,
    write(value, out) {
      let carry: Buffer = Buffer.alloc(0);
      const flushWhole = (bytes: Buffer) => {
        const whole = bytes.length - (bytes.length % 3);
        if (whole > 0) out.push(base64Lines(bytes.subarray(0, whole)));
        return bytes.subarray(whole);
      };
      for (let i = 0; i < t.literals.length; i++) {
        const l = t.literals[i]!;
        const s = shifted[i]![carry.length]!;
        if (s.lead.length < (3 - carry.length) % 3) {
          // Too short to complete the carried bytes: it all joins them.
          carry = Buffer.concat([carry, l]);
        } else {
          if (carry.length > 0) out.push(base64Lines(Buffer.concat([carry, s.lead])));
          if (s.middle.length > 0) out.push(s.middle);
          carry = s.rest;
        }
        const name = t.holes[i];
        if (name !== undefined) carry = flushWhole(Buffer.concat([carry, value(name)]));
      }
      if (carry.length > 0) out.push(base64Lines(carry));
      return true;
    },
  };
}

/** Every line of every literal fits in 998 octets (the lines holes are in are checked per recipient). */
function linesFit(t: BodyTemplate): boolean {
  for (const l of t.literals) {
    let start = 0;
    for (let i = l.indexOf(CRLF); i >= 0; i = l.indexOf(CRLF, start)) {
      if (i - start > MAX_LINE) return false;
      start = i + 2;
    }
    if (l.length - start > MAX_LINE) return false;
  }
  return true;
}

export interface EncodingChoice {
  /** What the part is sent in when the values fit it. */
  body: EncodedBody;
  /** Always fits: quoted-printable or base64, whichever is smaller for this part (built on first use). */
  fallback: () => EncodedBody;
}

/**
 * Picks a part's encoding by measuring: unencoded when the relay takes 8-bit bodies (or the part is
 * plain ASCII) and its lines fit; otherwise the smaller of quoted-printable and base64.
 */
export function chooseEncoding(t: BodyTemplate, relayTakes8bit: boolean): EncodingChoice {
  // Both encodings of a 90 KB part cost 5–30 ms of CPU to build, a run's fixed cost: built only
  // when the part or one recipient's values need them.
  let smaller: EncodedBody | undefined;
  const fallback = () => {
    if (!smaller) {
      const qp = qpBody(t);
      const b64 = base64Body(t);
      smaller = qp.size <= b64.size ? qp : b64;
    }
    return smaller;
  };
  const ascii = t.literals.every((l) => l.every((b) => b <= 0x7f));
  if (!linesFit(t)) return { body: fallback(), fallback };
  if (relayTakes8bit) return { body: plainBody(t, '8bit'), fallback };
  if (ascii) return { body: plainBody(t, '7bit'), fallback };
  return { body: fallback(), fallback };
}
