import { describe, expect, it } from 'vitest';
import { canonicalId, paperLink, parseArxivId, titleKey } from '../../src/domain/paper.js';
import { mergePaper, fieldsFromInput } from '../../src/domain/paper-merge.js';
import { periodContaining } from '../../src/domain/period.js';
import { signToken, verifyToken } from '../../src/domain/tokens.js';
import { normaliseEmail } from '../../src/domain/email.js';
import { errorText, ParseError } from '../../src/domain/errors.js';
import { normaliseWhitespace, oneLine, stripControlChars, trimText, safeHttpUrl } from '../../src/domain/text.js';
import { paperInput } from '../helpers/factories.js';

describe('canonical ids', () => {
  it('uses the arXiv id without version, old- and new-style', () => {
    expect(parseArxivId('2403.01234v3')).toEqual({ id: '2403.01234', version: 3 });
    expect(parseArxivId('arXiv:hep-th/9901001v1')).toEqual({ id: 'hep-th/9901001', version: 1 });
    expect(canonicalId({ arxivId: '2403.01234v3', title: 'x' })).toBe('arxiv:2403.01234');
    expect(canonicalId({ arxivId: '2403.01234', title: 'y' })).toBe('arxiv:2403.01234');
  });

  it('falls back to a title fingerprint that survives case, spacing, accents and punctuation', () => {
    const a = canonicalId({ title: 'Mélange: Cost Efficient  LLM Serving' });
    expect(canonicalId({ title: 'melange - cost efficient llm serving' })).toBe(a);
    expect(canonicalId({ title: 'Melange: Cost Efficient LLM Serving, v2' })).not.toBe(a);
    expect(a).toMatch(/^title:[0-9a-f]{16}$/);
    expect(titleKey('  A\tB ')).toBe('a b');
  });

  it('links to the paper, its arXiv page, or an arXiv title search', () => {
    expect(paperLink({ url: 'https://x.org/p', arxivId: '1', title: 't' })).toBe('https://x.org/p');
    expect(paperLink({ url: null, arxivId: '2403.01234', title: 't' })).toBe('https://arxiv.org/abs/2403.01234');
    expect(paperLink({ url: null, arxivId: null, title: 'A & B' })).toBe(
      'https://arxiv.org/search/?query=A+%26+B&searchtype=title',
    );
  });
});

describe('merging a new sighting', () => {
  const stored = fieldsFromInput(
    paperInput({ title: 'T', abstract: 'old', authors: ['Ada'], arxivId: '1', version: 2 }),
  );

  it('lets a newer version change the text and keeps what the new source lacks', () => {
    const merged = mergePaper(
      stored,
      paperInput({ title: 'T', abstract: 'new', authors: [], version: 3, arxivId: '1' }),
    );
    expect(merged).toMatchObject({ abstract: 'new', version: 3, authors: ['Ada'] });
  });

  it('ignores an older version', () => {
    expect(mergePaper(stored, paperInput({ title: 'T', abstract: 'older', version: 1 }))).toBe(stored);
  });
});

describe('periods', () => {
  it('are UTC days and ISO weeks, across year ends', () => {
    expect(periodContaining('day', new Date('2026-11-25T23:59:59Z')).key).toBe('2026-11-25');
    const week = periodContaining('week', new Date('2026-11-25T12:00:00Z'));
    expect(week).toMatchObject({ key: '2026-W48' });
    expect(week.start.toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(week.end.toISOString()).toBe('2026-11-30T00:00:00.000Z');
    expect(periodContaining('week', new Date('2027-01-01T00:00:00Z')).key).toBe('2026-W53');
    expect(periodContaining('week', new Date('2024-12-30T00:00:00Z')).key).toBe('2025-W01');
    expect(periodContaining('week', new Date('2021-01-03T23:00:00Z')).key).toBe('2020-W53');
  });
});

describe('signed tokens', () => {
  const secret = 's'.repeat(32);
  it('verify for their purpose only, and not once tampered', () => {
    const token = signToken(secret, 'unsubscribe', 'subscriber-42');
    expect(verifyToken(secret, 'unsubscribe', token)).toBe('subscriber-42');
    expect(verifyToken(secret, 'preferences', token)).toBeUndefined();
    expect(verifyToken('t'.repeat(32), 'unsubscribe', token)).toBeUndefined();
    const [body, mac] = token.split('.');
    const forged = `${Buffer.from('subscriber-43').toString('base64url')}.${mac}`;
    expect(verifyToken(secret, 'unsubscribe', forged)).toBeUndefined();
    expect(verifyToken(secret, 'unsubscribe', `${body}.${mac}x`)).toBeUndefined();
    expect(verifyToken(secret, 'unsubscribe', 'garbage')).toBeUndefined();
  });
});

describe('text hygiene', () => {
  it('strips control characters but keeps tabs, newlines and non-ASCII text', () => {
    expect(stripControlChars('a\u0000b\u001Fc\u007Fd\u0085e\tf\ng Mélange 日本')).toBe('abcde\tf\ng Mélange 日本');
    expect(stripControlChars('lone \uD800 surrogate 😀')).toBe('lone  surrogate 😀');
    expect(normaliseWhitespace('  a \n\t b  ')).toBe('a b');
  });

  it('makes an error one line of bounded length, without control characters, keeping its start and its end', () => {
    expect(oneLine('a.xml:3: bad\n  thing\r\n\tat <x>\u0000\u001b[31m red\u202e evil')).toBe(
      'a.xml:3: bad thing at <x>[31m red evil',
    );
    const long = `feed.xml:9: the document ends inside <x>, with ${'<x>, '.repeat(200_000)}never closed: a truncated download?`;
    const shown = errorText(new ParseError('feed.xml', 9, long));
    expect(shown.length).toBeLessThanOrEqual(300);
    expect(shown).toMatch(
      /^feed\.xml:9: feed\.xml:9: the document ends inside <x>, with <x>, .*….*<x>, never closed: a truncated download\?$/,
    );
    expect(oneLine('😀'.repeat(400), 10)).toBe('😀😀😀😀😀😀…😀😀😀');
    expect(errorText('short')).toBe('short');
  });

  it('trims at a word boundary', () => {
    expect(trimText('one two three four five six', 16)).toBe('one two three…');
    expect(trimText('short', 12)).toBe('short');
  });

  it('lets only absolute http(s) URLs through', () => {
    expect(safeHttpUrl('https://arxiv.org/abs/1')).toBe('https://arxiv.org/abs/1');
    expect(safeHttpUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeHttpUrl('data:text/html,x')).toBeUndefined();
    expect(safeHttpUrl('/relative')).toBeUndefined();
  });

  it('normalises email addresses and refuses header injection', () => {
    expect(normaliseEmail('  Ada@Example.ORG ')).toBe('ada@example.org');
    expect(() => normaliseEmail('ada@example.org\r\nBcc: x@y.z')).toThrow(/line breaks/);
    expect(() => normaliseEmail('not-an-address')).toThrow(/not an email address/);
    expect(() => normaliseEmail('a b@example.org')).toThrow(/cannot contain spaces/);
  });
});
