// SMTP's DATA ends at a line that holds one dot, so every line of the message that begins with a
// dot is sent with one more (RFC 5321, 4.5.2). Searching a whole 70 KB message for such lines, and
// joining its few hundred pieces into one buffer to search it, cost more CPU a message than
// anything else on the sending path but the socket. Instead the message comes in pieces split so
// that a line that begins with a dot begins a piece: the email template splits its fixed text once
// (`splitAtDotLines`) and its values hold no line break; only where pieces meet is looked at.

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
const CRLF_DOT = Buffer.from('\r\n.');

/** `bytes` in pieces such that every line that begins with a dot begins a piece. */
export function splitAtDotLines(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let from = 0;
  for (let i = bytes.indexOf(CRLF_DOT); i >= 0; i = bytes.indexOf(CRLF_DOT, i + 3)) {
    out.push(bytes.subarray(from, i + 2));
    from = i + 2;
  }
  out.push(from === 0 ? bytes : bytes.subarray(from));
  return out;
}

/** The most bytes `writeData` may write for these pieces. */
export function dataLength(pieces: readonly Buffer[]): number {
  let n = 5;
  for (const p of pieces) n += p.length + 1;
  return n;
}

/**
 * Writes the message as DATA carries it into `out` (at least `dataLength(pieces)` long): a dot
 * added to every line that begins with one, then the final dot. Returns the bytes written.
 * `pieces` must be split as `splitAtDotLines` splits: no piece holds a line break followed by a
 * dot (it would go unstuffed).
 */
export function writeData(pieces: readonly Buffer[], out: Buffer): number {
  let at = 0;
  for (const p of pieces) {
    const n = p.length;
    if (n === 0) continue;
    const lineStart = at === 0 || (out[at - 1] === LF && out[at - 2] === CR);
    if (lineStart && p[0] === DOT) out[at++] = DOT;
    else if (n > 1 && p[0] === LF && p[1] === DOT && at > 0 && out[at - 1] === CR) {
      // A line break split between two pieces: the line begins at this piece's second byte.
      out[at++] = LF;
      out[at++] = DOT;
      out.set(p.subarray(1), at);
      at += n - 1;
      continue;
    }
    out.set(p, at);
    at += n;
  }
  if (at < 2 || out[at - 1] !== LF || out[at - 2] !== CR) {
    out[at++] = CR;
    out[at++] = LF;
  }
  out[at++] = DOT;
  out[at++] = CR;
  out[at++] = LF;
  return at;
}
