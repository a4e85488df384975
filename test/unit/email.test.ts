import { describe, expect, it } from 'vitest';
import { canonicalEmail, normaliseEmail } from '../../src/domain/email.js';

const refused = (raw: string) => {
  const checked = canonicalEmail(raw);
  return checked.ok ? `accepted as ${checked.email}` : checked.reason;
};

describe('canonical email addresses', () => {
  it('gives one form to the ways one address can be typed', () => {
    for (const raw of [
      'victim@example.org',
      '  Victim@EXAMPLE.ORG  ',
      'victim@example.org\u00a0',
      '\ufeffvictim@example.org',
      'victim@example.org\t',
      'victim@ｅxample.org',
    ]) {
      expect(canonicalEmail(raw), JSON.stringify(raw)).toEqual({ ok: true, email: 'victim@example.org' });
    }
  });

  it('writes an internationalised domain in punycode, whether typed composed or decomposed', () => {
    expect(normaliseEmail('user@müller.de')).toBe('user@xn--mller-kva.de');
    expect(normaliseEmail('user@mu\u0308ller.de')).toBe('user@xn--mller-kva.de');
    expect(normaliseEmail('User@MÜLLER.DE')).toBe('user@xn--mller-kva.de');
    expect(normaliseEmail('user@xn--mller-kva.de')).toBe('user@xn--mller-kva.de');
    expect(normaliseEmail('ivan@пример.рф')).toBe('ivan@xn--e1afmkfd.xn--p1ai');
  });

  it('composes a non-ASCII local part (NFC), so its two spellings are one address', () => {
    expect(normaliseEmail('Jose\u0301@example.org')).toBe('jos\u00e9@example.org');
    expect(normaliseEmail('jos\u00e9@example.org')).toBe('jos\u00e9@example.org');
  });

  it('refuses control characters, naming the one found', () => {
    expect(refused('victim\x02@example.org')).toBe('an email address cannot contain a control character (U+0002)');
    expect(refused('victim\x1b[31m@example.org')).toBe('an email address cannot contain a control character (U+001B)');
    expect(refused('victim\x7f@example.org')).toBe('an email address cannot contain a control character (U+007F)');
    expect(refused('victim\x85@example.org')).toBe('an email address cannot contain a control character (U+0085)');
    expect(refused('victim@example.org\x00')).toBe('an email address cannot contain a control character (U+0000)');
    expect(refused('ada@example.org\r\nBcc: x@y.z')).toBe('an email address cannot contain line breaks');
  });

  it('refuses invisible characters: zero-width, bidi marks, BOM, soft hyphen, variation selectors, fillers', () => {
    const cases: [string, string][] = [
      ['vic\u200btim@example.org', 'U+200B'],
      ['victim\u200d@example.org', 'U+200D'],
      ['\u202evictim@example.org', 'U+202E'],
      ['victim@exa\u200emple.org', 'U+200E'],
      ['vic\ufefftim@example.org', 'U+FEFF'],
      ['vic\u00adtim@example.org', 'U+00AD'],
      ['victim@exa\u00admple.org', 'U+00AD'],
      ['victim\ufe0f@example.org', 'U+FE0F'],
      ['victim\u3164@example.org', 'U+3164'],
      ['victim\u2060@example.org', 'U+2060'],
      ['victim\ue000@example.org', 'U+E000'],
    ];
    for (const [raw, code] of cases)
      expect(refused(raw), JSON.stringify(raw)).toBe(
        `an email address cannot contain an invisible character (${code})`,
      );
  });

  it('refuses spaces inside, of any kind', () => {
    expect(refused('vic tim@example.org')).toBe('an email address cannot contain spaces (U+0020)');
    expect(refused('vic\u00a0tim@example.org')).toBe('an email address cannot contain spaces (U+00A0)');
    expect(refused('victim@\u3000example.org')).toBe('an email address cannot contain spaces (U+3000)');
  });

  it('refuses what is not an address, and a local part that would start a spreadsheet formula', () => {
    for (const raw of [
      'not-an-address',
      '@example.org',
      'a@b',
      'a@example.org.',
      'a@exa_mple.org',
      'a@[127.0.0.1]',
      '=cmd@example.org',
      'a<b>@example.org',
      `${'a'.repeat(65)}@example.org`,
      `a@${'b'.repeat(64)}.org`,
    ]) {
      expect(refused(raw), raw).toBe(`"${raw}" is not an email address`);
    }
    expect(() => normaliseEmail('victim\x02@example.org')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
