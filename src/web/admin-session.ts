import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** How long an admin session lasts after logging in. */
const SESSION_MS = 12 * 3_600_000;
export const COOKIE = 'paperboy_admin';

/**
 * A signed session value: `<expiry ms>.<HMAC>`. The HMAC covers the expiry and a hash of the
 * admin token, so changing ADMIN_TOKEN ends every session; nothing secret is in the cookie.
 */
function mac(secret: string, adminToken: string, expires: number): Buffer {
  const tokenHash = createHash('sha256').update(adminToken).digest('base64url');
  return createHmac('sha256', secret).update(`admin-session\n${expires}\n${tokenHash}`).digest();
}

export function newSession(secret: string, adminToken: string, now: Date): string {
  const expires = now.getTime() + SESSION_MS;
  return `${expires}.${mac(secret, adminToken, expires).toString('base64url')}`;
}

export function validSession(value: string | undefined, secret: string, adminToken: string, now: Date): boolean {
  const m = /^(\d{1,15})\.([\w-]{43})$/.exec(value ?? '');
  if (!m) return false;
  const expires = Number(m[1]);
  if (expires <= now.getTime()) return false;
  const given = Buffer.from(m[2] as string, 'base64url');
  const expected = mac(secret, adminToken, expires);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The value of one cookie from a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/** The Set-Cookie value: HttpOnly, SameSite=Strict, scoped to /admin, Secure when the site is https. */
export function sessionCookie(value: string, secure: boolean, maxAgeSeconds: number = SESSION_MS / 1000): string {
  return `${COOKIE}=${value}; Path=/admin; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/**
 * Whether a given token is the admin token. Digests of both are compared in constant time: they
 * have one length whatever was given, so neither the timing nor an early exit tells the token's length.
 */
export function tokenMatches(given: string, adminToken: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(adminToken).digest();
  return timingSafeEqual(a, b);
}

/**
 * The token the admin page's forms carry, bound to the session: a page on another site can
 * neither read it nor guess it, and it ends with the session. (The SameSite=Strict cookie already
 * keeps other sites' forms out; this holds where a browser does not honour SameSite.)
 */
export function formToken(secret: string, session: string): string {
  return createHmac('sha256', secret).update(`admin-form\n${session}`).digest('base64url');
}

export function validFormToken(secret: string, session: string, given: string): boolean {
  const a = Buffer.from(formToken(secret, session));
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
