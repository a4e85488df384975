import { describe, expect, it } from 'vitest';
import { decodeSource } from '../../src/ingest/decode.js';
import { parseSource } from '../../src/ingest/formats.js';
import { fixtureBytes } from '../helpers/http-fixtures.js';

const latin1 = (text: string) => Buffer.from(text, 'latin1');
const TITLE = 'Schrödinger Bridges for Naïve Bayes: ±1 Bit of µ-Calculus';

describe('decoding a source by what it declares', () => {
  it('reads an ISO-8859-1 feed as its XML declaration says', () => {
    const bytes = fixtureBytes('feed-latin1.rss.xml');
    expect(bytes.includes(0xf6)).toBe(true); // ö as one Latin-1 byte: not UTF-8
    const decoded = decodeSource(bytes, 'lab.xml');
    expect(decoded).toMatchObject({ encoding: 'windows-1252', warnings: [] });
    const { papers } = parseSource(decoded.text, 'lab.xml');
    expect(papers[0]).toMatchObject({ title: TITLE, authors: ['Jürgen Müller'] });
    expect(papers[0]?.abstract).toContain('café setting of Müller and Øster, with 2×2 grids at 40 °C');
  });

  it("reads by the server's charset when the document declares nothing", () => {
    const bytes = latin1(`<rss version="2.0"><channel><item><title>${TITLE}</title></item></channel></rss>`);
    expect(decodeSource(bytes, 'u', 'text/xml; charset="ISO-8859-1"')).toMatchObject({
      text: expect.stringContaining(TITLE),
      warnings: [],
    });
    expect(decodeSource(bytes, 'u', 'application/rss+xml;charset=windows-1252').text).toContain(TITLE);
  });

  it('believes the document over a server that calls its Latin-1 bytes UTF-8, and says so', () => {
    const decoded = decodeSource(
      fixtureBytes('feed-latin1.rss.xml'),
      'http://lab/feed',
      'application/xml; charset=utf-8',
    );
    expect(decoded.text).toContain(TITLE);
    expect(decoded.warnings).toEqual([
      'http://lab/feed: the server says UTF-8 but the bytes are not; read as windows-1252, as the document declares',
    ]);
  });

  it('follows a byte order mark, and drops it', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`<a>${TITLE}</a>`, 'utf16le')]);
    expect(decodeSource(utf16, 'f', 'text/xml; charset=utf-8')).toMatchObject({
      text: `<a>${TITLE}</a>`,
      encoding: 'utf-16le',
      warnings: [],
    });
    const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[]')]);
    expect(decodeSource(utf8, 'f').text).toBe('[]');
    // Without a mark, a declaration readable byte by byte is not UTF-16, whatever it says.
    expect(decodeSource(Buffer.from('<?xml version="1.0" encoding="UTF-16"?><a>é</a>'), 'f')).toMatchObject({
      text: '<?xml version="1.0" encoding="UTF-16"?><a>é</a>',
      warnings: [],
    });
  });

  it('reports bytes that are not UTF-8: how many were replaced, and where the first is', () => {
    // A Latin-1 file with no declaration: é and ï on line 3, ü on line 4.
    const bytes = latin1('first line\n\nA café and a naïve reader\nZürich\n');
    const decoded = decodeSource(bytes, 'page.txt');
    expect(decoded.text).toBe('first line\n\nA caf\uFFFD and a na\uFFFDve reader\nZ\uFFFDrich\n');
    expect(decoded.warnings).toEqual([
      'page.txt: 3 characters could not be read as UTF-8 and became "\uFFFD", the first at line 3, column 6 (an encoding the source does not declare?)',
    ]);
  });

  it('counts only replacements, not a U+FFFD the source itself contains, and counts columns in characters', () => {
    const bytes = Buffer.concat([
      Buffer.from('ok \uFFFD ∑ x', 'utf8'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from(' y', 'utf8'),
    ]);
    expect(decodeSource(bytes, 'f.json').warnings).toEqual([
      expect.stringMatching(/^f\.json: 1 character could not be read as UTF-8 .* the first at line 1, column 9 \(/),
    ]);
    expect(decodeSource(Buffer.from('valid \uFFFD', 'utf8'), 'f.json').warnings).toEqual([]);
  });

  it('warns about an encoding nobody can read and reads UTF-8', () => {
    const decoded = decodeSource(Buffer.from('<a>é</a>'), 'u', 'text/xml; charset=x-unknown');
    expect(decoded).toMatchObject({ text: '<a>é</a>', encoding: 'utf-8' });
    expect(decoded.warnings).toEqual([
      'u: the server declares the encoding "x-unknown", which Paperboy cannot read: read as UTF-8 unless something else is declared',
    ]);
  });
});
