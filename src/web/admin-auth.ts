import type { FastifyRequest } from 'fastify';
import { PaperboyError } from '../domain/errors.js';
import { tokenMatches } from './admin-session.js';
import { createWindowLimiter } from './window-limiter.js';

/** Failed admin token attempts one client may make in the window before every attempt is refused. */
const ADMIN_FAILED_ATTEMPTS = { max: 10, windowMs: 15 * 60_000 };

export class UnauthorizedError extends PaperboyError {
  constructor() {
    super('UNAUTHORIZED', 'a valid bearer token is required');
  }
}

export class TooManyAttemptsError extends PaperboyError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      'TOO_MANY_REQUESTS',
      `Too many failed attempts with the admin token. Try again in ${retryAfterSeconds} seconds.`,
    );
  }
}

/**
 * The one check of the admin token, for the admin API, /metrics and the login form together, so
 * guesses spread over them still count as one client's. Past the limit of failures a client is
 * refused (429) even with the right token until the window has passed: otherwise the answer to
 * a guess would still tell whether it was right.
 */
export function createAdminAuth(adminToken: string, clock: () => Date) {
  const failures = createWindowLimiter({ ...ADMIN_FAILED_ATTEMPTS, clock });
  return {
    /** Throws TooManyAttemptsError while the client is locked out; false for a wrong token (counted). */
    check(request: FastifyRequest, given: string | undefined): boolean {
      const wait = failures.blockedFor(request.ip);
      if (wait > 0) throw new TooManyAttemptsError(wait);
      if (given === undefined) return false; // no token is no guess
      if (tokenMatches(given, adminToken)) return true;
      failures.record(request.ip);
      return false;
    },
  };
}

export type AdminAuth = ReturnType<typeof createAdminAuth>;

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(request: FastifyRequest): string | undefined {
  return /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
}
