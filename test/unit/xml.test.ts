import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../src/ingest/feed.js';
import { parseXml, text } from '../../src/ingest/xml.js';
import { parseError } from '../helpers/errors.js';

const rss = (items: string) => `<?xml version="1.0"?>
<rss version="2.0"><channel><title>Lab</title>
${items}
</channel></rss>`;

describe('reading XML', () => {
  it('reads attributes, text, repeated elements and CDATA as the parsers expect them', () => {
    const doc = parseXml(
      `<feed a="1"><title>  Two\n  lines </title><entry><link href="x"/><link href="y"/></entry><summary><![CDATA[x < y]]></summary><empty/></feed>`,
      'f.xml',
    );
    expect(doc).toEqual({
      feed: {
        '@_a': '1',
        title: 'Two\n  lines',
        entry: [{ link: [{ '@_href': 'x' }, { '@_href': 'y' }] }],
        summary: 'x < y',
        empty: '',
      },
    });
  });

  it("keeps a long text whole, beyond the parser's 64 KB buffer", () => {
    const long = Array.from({ length: 30_000 }, (_, i) => `w${i}`).join(' ');
    const doc = parseXml(`<a><b>${long}</b><c><![CDATA[${long}]]></c></a>`, 'f.xml');
    expect(doc).toEqual({ a: { b: long, c: long } });
  });

  it("decodes XML's entities and character references, and keeps HTML's named ones as written", () => {
    const doc = parseXml('<a t="&#65;&amp;">&lt;b&gt; &#x42; &quot;q&quot; caf&#233; &nbsp;&mdash;</a>', 'f.xml');
    expect(text(doc.a)).toBe('<b> B "q" café &nbsp;&mdash;');
    // A feed whose description is HTML with entities reads as plain text.
    const feed = parseFeed(
      rss('<item><title>Fast&nbsp;kernels</title><description>A&nbsp;&mdash;&nbsp;B</description></item>'),
      'lab.xml',
    );
    expect(feed.papers[0]).toMatchObject({ title: 'Fast kernels', abstract: 'A — B' });
  });

  it('names the line where a download was cut, in text or inside a start tag', () => {
    // Everything after the cut is missing, the closing tags too.
    const cut = (at: string) => rss(`<item><title>One</title>\n${at}`).split('\n</channel>')[0] as string;
    const cutInText = cut('<description>An abstract that st');
    expect(parseError(() => parseXml(cutInText, 'cut.xml')).message).toBe(
      'cut.xml:4: the document ends inside <description>, with <rss>, <channel>, <item>, <description> never closed: a truncated download?',
    );
    const cutInTag = cut('<link href="http://ex');
    expect(parseError(() => parseXml(cutInTag, 'cut.xml')).message).toMatch(
      /^cut\.xml:4: the document ends inside <link>, .* never closed: a truncated download\?$/,
    );
  });

  it('names a few of the elements a deeply nested truncated document leaves open, in one short line', () => {
    const deep = `<?xml version="1.0"?>\n<rss version="2.0"><channel><item><description>\n${'<div class="x">'.repeat(20_000)}cut`;
    const err = parseError(() => parseXml(deep, 'deep.xml'));
    expect(err.message).toBe(
      'deep.xml:3: the document ends inside <div>, with <rss>, <channel>, … 20000 more …, <div>, <div> never closed: a truncated download?',
    );
    const longName = `<a>\n<${'n'.repeat(5_000)}>text</a>`;
    expect(parseError(() => parseXml(longName, 'long.xml')).message.length).toBeLessThan(200);
  });

  it('refuses what is not well-formed, naming the line and the fault', () => {
    expect(parseError(() => parseXml('<rss>\n<channel>\n<item></channel>\n</rss>', 'x.xml')).message).toBe(
      'x.xml:3: not well-formed XML: found </channel> where </item> was expected',
    );
    expect(parseError(() => parseXml('We are down for maintenance', 'x.xml')).message).toBe(
      'x.xml:1: not well-formed XML: Non-whitespace before first tag',
    );
    expect(parseError(() => parseXml('{"papers": []}', 'x.json')).message).toMatch(/^x\.json:1: not well-formed XML/);
    expect(parseError(() => parseXml('<a>\nfish & chips</a>', 'x.xml')).message).toMatch(
      /^x\.xml:2: not well-formed XML: /,
    );
    expect(parseError(() => parseXml('<a></a>\ntrailing text', 'x.xml')).message).toMatch(
      /^x\.xml:2: not well-formed XML: Text data outside of root node/,
    );
    expect(parseError(() => parseXml('  \n', 'x.xml')).message).toBe('x.xml: the file is empty');
  });

  it('takes an element named like an object property as a plain element', () => {
    const doc = parseXml('<a><__proto__>p</__proto__><constructor>c</constructor></a>', 'f.xml');
    const a = doc.a as Record<string, unknown>;
    expect(Object.getOwnPropertyDescriptor(a, '__proto__')?.value).toBe('p');
    expect(Object.getOwnPropertyDescriptor(a, 'constructor')?.value).toBe('c');
    expect(Object.getPrototypeOf(a)).toBe(Object.prototype);
  });
});
