import { describe, expect, it } from 'vitest';
import { scrub } from '../../src/log.js';

describe('log lines never carry secrets', () => {
  it('hides secret fields and the password of any URL, at any depth', () => {
    expect(
      scrub({
        error: 'connect ECONNREFUSED smtp://mailer:hunter2@relay.example.org:587',
        smtpUrl: 'smtp://relay.example.org',
        nested: { token: 'abc', list: ['smtps://u:p%40ss@h/x'] },
        sent: 3,
      }),
    ).toEqual({
      error: 'connect ECONNREFUSED smtp://***@relay.example.org:587',
      smtpUrl: '[redacted]',
      nested: { token: '[redacted]', list: ['smtps://***@h/x'] },
      sent: 3,
    });
    expect(scrub('see https://papers.example.org/unsubscribe/x')).toBe('see https://papers.example.org/unsubscribe/x');
  });
});
