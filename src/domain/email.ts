import { domainToASCII } from 'node:url';
import { InvalidInputError } from './errors.js';

/**
 * One canonical form per mailbox, used wherever an address comes in (web form, CLI, CSV import,
 * admin API, suppression list, rate limits) and the only form that is stored and mailed.
 *
 * Why this strict: a mail library drops control and invisible characters, so an address that
 * carried one would be stored as one thing and mailed as another, slipping past the suppression
 * list and the per-address limit. Such addresses are refused, never silently cleaned.
 */
export type AddressCheck = { ok: true; email: string } | { ok: false; reason: string };

// Local part: no spaces, quotes or specials (a quoted local part is refused, not parsed). It starts
// with a letter, digit or underscore, so no exported CSV cell starts a formula.
const LOCAL = /^[\p{L}\p{N}_][^\s@"<>(),;:\\[\]]*$/u;
// Domain, after IDNA: ASCII labels, a top-level domain of letters or a punycode one (xn--p1ai).
const DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

// What nobody can see or type on purpose: control characters (C0, DEL, C1), format characters
// (zero-width, bidi marks, BOM, soft hyphen), other default-ignorable ones (variation selectors,
// Hangul fillers), lone surrogates, private-use and unassigned code points.
const HIDDEN = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Default_Ignorable_Code_Point}]/u;
const SPACE = /[\s\p{Z}]/u;

const codePoint = (c: string) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
const refuse = (reason: string): AddressCheck => ({ ok: false, reason });
const utf8 = new TextEncoder();
const octets = (s: string) => utf8.encode(s).length;

/** The canonical form of an address (trimmed, NFC, lower case, punycode domain), or why it is refused. */
export function canonicalEmail(raw: string): AddressCheck {
  const trimmed = raw.trim();
  if (/[\r\n]/.test(trimmed)) return refuse('an email address cannot contain line breaks');
  const hidden = HIDDEN.exec(trimmed)?.[0];
  if (hidden !== undefined) {
    const kind = /\p{Cc}/u.test(hidden) ? 'a control character' : 'an invisible character';
    return refuse(`an email address cannot contain ${kind} (${codePoint(hidden)})`);
  }
  const space = SPACE.exec(trimmed)?.[0];
  if (space !== undefined) return refuse(`an email address cannot contain spaces (${codePoint(space)})`);

  const notAnAddress = refuse(`"${trimmed}" is not an email address`);
  const at = trimmed.lastIndexOf('@');
  if (at <= 0) return notAnAddress;
  // Lower case for the local part too: mailbox names are case-blind in practice, and the addresses
  // stored so far are all lower case, so case variants stay one subscriber, one suppression, one limit.
  const local = trimmed.slice(0, at).normalize('NFC').toLowerCase().normalize('NFC');
  const domain = domainToASCII(trimmed.slice(at + 1).normalize('NFC'));
  if (!LOCAL.test(local) || octets(local) > 64 || !DOMAIN.test(domain)) return notAnAddress;
  const email = `${local}@${domain}`;
  if (octets(email) > 254) return notAnAddress;
  return { ok: true, email };
}

/** `canonicalEmail` for callers that refuse with an error: throws InvalidInputError with the reason. */
export function normaliseEmail(raw: string): string {
  const checked = canonicalEmail(raw);
  if (!checked.ok) throw new InvalidInputError(checked.reason);
  return checked.email;
}
