// Build once, send many: the MIME of one email for many recipients (headers, boundary, part
// headers, encoded bodies) made once; per recipient only the holes are filled, and the result is
// the bytes that go to the SMTP connection.
import { randomBytes } from 'node:crypto';
import addressparser from 'nodemailer/lib/addressparser';
import { encodeWords, foldLines, isPlainText, quoteString } from 'nodemailer/lib/mime-funcs';
import { splitAtDotLines } from './dot-stuffing.js';
import type { WireMessage } from './message.js';
import { bodyTemplate, chooseEncoding, type EncodingChoice, type TransferEncoding } from './transfer-encoding.js';

export interface WirePart {
  contentType: 'text/plain' | 'text/html';
  /** The rendered body split at its holes (literals at even indices, hole names at odd ones). */
  parts: readonly string[];
  /** Applied to every value of a hole of this part (HTML-escaping for the HTML part). */
  escape?: (value: string) => string;
}

export interface WireSpec {
  from: string;
  subject: string;
  /** In this order: the first is the least preferred (text before HTML). */
  alternatives: readonly WirePart[];
  /** List-Id and the one-click unsubscribe headers; the unsubscribe URL is per recipient. */
  list?: { id: string; name: string; unsubscribeMailto?: string };
  /** The relay announced 8BITMIME: a part may go unencoded. */
  relayTakes8bit: boolean;
}

export interface WireRecipient {
  to: string;
  /** Without angle brackets. */
  messageId: string;
  date: Date;
  unsubscribeUrl?: string;
  /** A value for every hole the parts have. */
  holes: Readonly<Record<string, string>>;
}

export interface WireTemplate {
  /** The encoding chosen for each alternative, in order. */
  encodings: TransferEncoding[];
  fill(recipient: WireRecipient): WireMessage;
}

const MAX_LINE = 998;

/** The address of `Name <address>`, for the envelope. */
function addressOf(mailbox: string): string {
  const [first] = addressparser(mailbox, { flatten: true });
  if (!first?.address) throw new Error(`"${mailbox}" has no email address`);
  return first.address;
}

/** A display name as a header phrase: as it is, quoted, or as encoded words. */
function phrase(name: string): string {
  if (/^[\w ]*$/.test(name)) return name;
  return isPlainText(name) ? quoteString(name) : encodeWords(name, 'Q', 52, true);
}

function header(name: string, value: string): string {
  return `${foldLines(`${name}: ${value}`, 76)}\r\n`;
}

/** A per-recipient header value: one line, never folded into something else. */
function checkedValue(name: string, value: string): string {
  if (/[\r\n]/.test(value)) throw new Error(`the ${name} header value contains a line break`);
  if (Buffer.byteLength(value) + name.length + 2 > MAX_LINE) throw new Error(`the ${name} header is over 998 octets`);
  return value;
}

const httpDate = (d: Date) => d.toUTCString().replace(/GMT$/, '+0000');

/** Builds the fixed bytes of a message once; `fill` makes one recipient's message from them. */
export function wireTemplate(spec: WireSpec): WireTemplate {
  const fromAddress = addressOf(spec.from);
  const [sender] = addressparser(spec.from, { flatten: true });
  const from = sender?.name ? `${phrase(sender.name)} <${fromAddress}>` : fromAddress;
  const boundary = `=_pb_${randomBytes(12).toString('hex')}`;
  const parts = spec.alternatives.map((a) => {
    const body = bodyTemplate(a.parts);
    if (body.literals.some((l) => l.includes(boundary)))
      throw new Error('the MIME boundary occurs in a body; build again');
    const escapeValue = a.escape ?? ((s: string) => s);
    const partHeader = (encoding: TransferEncoding) =>
      Buffer.from(
        `--${boundary}\r\nContent-Type: ${a.contentType}; charset=utf-8\r\nContent-Transfer-Encoding: ${encoding}\r\n\r\n`,
      );
    const choice: EncodingChoice = chooseEncoding(body, spec.relayTakes8bit);
    const headers = new Map<TransferEncoding, Buffer>();
    const headerFor = (encoding: TransferEncoding) => {
      let h = headers.get(encoding);
      if (!h) headers.set(encoding, (h = partHeader(encoding)));
      return h;
    };
    return { choice, headerFor, escapeValue };
  });

  let fixed =
    header('From', from) +
    header('Subject', isPlainText(spec.subject) ? spec.subject : encodeWords(spec.subject, 'Q', 52, true));
  if (spec.list) {
    fixed += header('List-ID', `${phrase(spec.list.name)} <${spec.list.id}>`);
    fixed += 'List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n';
  }
  fixed += `MIME-Version: 1.0\r\nContent-Type: multipart/alternative;\r\n boundary="${boundary}"\r\n\r\n`;
  const fixedHeaders = splitAtDotLines(Buffer.from(fixed));
  const between = Buffer.from('\r\n');
  const end = Buffer.from(`\r\n--${boundary}--\r\n`);
  const mailto = spec.list?.unsubscribeMailto ? `,\r\n <${spec.list.unsubscribeMailto}>` : '';

  return {
    encodings: parts.map((p) => p.choice.body.encoding),
    fill(r) {
      let own =
        `To: ${checkedValue('To', r.to)}\r\n` +
        `Date: ${httpDate(r.date)}\r\n` +
        `Message-ID: <${checkedValue('Message-ID', r.messageId)}>\r\n`;
      if (spec.list) {
        if (!r.unsubscribeUrl) throw new Error('a list message needs its unsubscribe URL');
        own += `List-Unsubscribe: <${checkedValue('List-Unsubscribe', r.unsubscribeUrl)}>${mailto}\r\n`;
      }
      // `own` needs no split for dot-stuffing: each of its lines begins with a header name.
      const out: Buffer[] = [Buffer.from(own), ...fixedHeaders];
      let eightBit = false;
      parts.forEach((p, i) => {
        const filled = new Map<string, Buffer>();
        const value = (name: string) => {
          let b = filled.get(name);
          if (!b) {
            const v = r.holes[name];
            if (v === undefined) throw new Error(`no value for the hole "${name}"`);
            if (/[\r\n]/.test(v)) throw new Error(`the value of the hole "${name}" contains a line break`);
            filled.set(name, (b = Buffer.from(p.escapeValue(v), 'utf8')));
          }
          return b;
        };
        const body: Buffer[] = [];
        const used = p.choice.body.write(value, body) ? p.choice.body : p.choice.fallback();
        if (used !== p.choice.body) used.write(value, body);
        if (used.encoding === '8bit') eightBit = true;
        if (i > 0) out.push(between);
        out.push(p.headerFor(used.encoding));
        for (const b of body) out.push(b);
      });
      out.push(end);
      let joined: Buffer | undefined;
      return {
        envelope: { from: fromAddress, to: r.to },
        messageId: r.messageId,
        date: r.date,
        pieces: out,
        get bytes() {
          joined ??= Buffer.concat(out);
          return joined;
        },
        eightBit,
      };
    },
  };
}
