import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** What a signed token lets its holder do; a token for one purpose is worthless for another. */
export type TokenPurpose = 'unsubscribe' | 'preferences' | 'csrf' | 'rate';

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

/** A random confirmation token (256 bits) and the SHA-256 hash that is all the store keeps of it. */
export function newConfirmationToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashConfirmationToken(token) };
}

export function hashConfirmationToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A new opaque id with the given prefix, e.g. `sub_…`. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}
