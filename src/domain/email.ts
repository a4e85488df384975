import { InvalidInputError } from './errors.js';

// Deliberately plain: one @, no spaces or control characters (a CR/LF would inject headers),
// a dotted domain. Real validation is the confirmation email reaching the inbox.
// The local part starts with a letter, digit or underscore, so no exported CSV cell starts a formula.
const SHAPE = /^[a-z0-9_][^\s@"<>(),;:\\[\]]{0,63}@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Trims and lowercases an address and checks its shape; throws InvalidInputError otherwise. */
export function normaliseEmail(raw: string): string {
  if (/[\r\n\u0000]/.test(raw)) throw new InvalidInputError('an email address cannot contain line breaks');
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !SHAPE.test(email)) throw new InvalidInputError(`"${raw.trim()}" is not an email address`);
  return email;
}
