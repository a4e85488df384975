import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a signed token lets its holder do; a token for one purpose is worthless for another. */
export type TokenPurpose = 'unsubscribe' | 'preferences';

/**
 * A token `<subject>.<mac>`: the subject in base64url and an HMAC-SHA256 over purpose and subject.
 * Bound to the subscriber and the purpose; it needs no storage and reveals nothing when tampered.
 */
export function signToken(secret: string, purpose: TokenPurpose, subject: string): string {
  const body = Buffer.from(subject, 'utf8').toString('base64url');
  return `${body}.${mac(secret, purpose, body)}`;
}

/** The subject of a valid token, or undefined for anything else. */
export function verifyToken(secret: string, purpose: TokenPurpose, token: string): string | undefined {
  const [body, given, extra] = token.split('.');
  if (!body || !given || extra !== undefined) return undefined;
  const expected = Buffer.from(mac(secret, purpose, body));
  const actual = Buffer.from(given);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
  return Buffer.from(body, 'base64url').toString('utf8');
}

function mac(secret: string, purpose: TokenPurpose, body: string): string {
  return createHmac('sha256', secret).update(`${purpose}\n${body}`).digest('base64url');
}
