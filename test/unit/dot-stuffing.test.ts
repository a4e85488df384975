import { describe, expect, it } from 'vitest';
import { dataLength, splitAtDotLines, writeData } from '../../src/mail/dot-stuffing.js';
import { wireTemplate } from '../../src/mail/wire-message.js';
import { escapeHtml, splitHoles } from '../../src/render/email/holes.js';

/** DATA as RFC 5321 spells it, from the whole message: every line that begins with a dot gets one more. */
function reference(message: Buffer): Buffer {
  const text = message.toString('latin1');
  const stuffed = text.replace(/(^|\r\n)\./g, '$1..');
  return Buffer.from(`${stuffed}${stuffed.endsWith('\r\n') ? '' : '\r\n'}.\r\n`, 'latin1');
}

const data = (pieces: readonly Buffer[]) => {
  const out = Buffer.alloc(dataLength(pieces));
  return out.subarray(0, writeData(pieces, out));
};

// A small seeded generator: the same cases every run.
function random(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

const H = (name: string) => `\u001F${name}\u001F`;

describe('dot-stuffing of messages in pieces', () => {
  it('matches the whole-message rule for any split of bytes rich in dots and line breaks', () => {
    const next = random(7);
    const alphabet = ['.', '.', '\r\n', '\r', '\n', 'a', 'ü', ' '];
    for (let n = 0; n < 2000; n++) {
      const text = Array.from({ length: Math.floor(next() * 40) }, () => alphabet[Math.floor(next() * 8)]).join('');
      const bytes = Buffer.from(text);
      expect(data(splitAtDotLines(bytes)).equals(reference(bytes))).toBe(true);
      // Cut again anywhere a piece may end: at a line break, or where the split put one.
      const pieces = splitAtDotLines(bytes).flatMap((p) => {
        const cut = Math.floor(next() * (p.length + 1));
        return p.includes('\r\n.') ? [p] : [p.subarray(0, cut), p.subarray(cut)];
      });
      expect(data(pieces).equals(reference(bytes))).toBe(true);
    }
    // A line break split between two pieces, a dot after it.
    expect(data([Buffer.from('a\r'), Buffer.from('\n.b')]).toString()).toBe('a\r\n..b\r\n.\r\n');
    expect(data([Buffer.from('.'), Buffer.from('')]).toString()).toBe('..\r\n.\r\n');
  });

  it('matches it for digest emails filled with values that begin with dots, in every transfer encoding', () => {
    const next = random(11);
    const line = () =>
      Array.from(
        { length: Math.floor(next() * 6) },
        () => ['.', '..', 'word', ` ${H('value')}`, H('value'), 'ä', '='][Math.floor(next() * 7)],
      ).join('');
    for (let n = 0; n < 60; n++) {
      const body = Array.from({ length: 1 + Math.floor(next() * 30) }, line).join('\n');
      // Long lines of quoted-printable break where a dot may come next.
      const long = `${'.x'.repeat(200)}${H('value')}${'.'.repeat(300)}\n`;
      for (const relayTakes8bit of [true, false]) {
        const template = wireTemplate({
          from: 'Paperboy <digest@papers.example.org>',
          subject: '... and more',
          alternatives: [
            { contentType: 'text/plain', parts: splitHoles(`${body}\n`) },
            { contentType: 'text/html', parts: splitHoles(`${long}${body}`), escape: escapeHtml },
          ],
          relayTakes8bit,
        });
        const value = ['.', '.start', 'a.b', '..', `${'.'.repeat(90)}ü`][n % 5]!;
        const message = template.fill({
          to: 'reader@example.org',
          messageId: 'm@papers.example.org',
          date: new Date('2026-12-07T08:00:00Z'),
          holes: { value },
        });
        expect(data(message.pieces).equals(reference(message.bytes))).toBe(true);
      }
    }
  });
});
