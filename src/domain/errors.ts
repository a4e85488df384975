import { oneLine } from './text.js';

/**
 * Errors with a stable `code`. Only web/ and cli/ turn them into a status or an exit code;
 * `message` is the text shown to users, `cause` keeps the underlying error for the logs.
 */
export class PaperboyError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input in a source file: names the file, the line and, when known, the field. */
export class ParseError extends PaperboyError {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly detail: string,
    options?: { cause?: unknown; field?: string },
  ) {
    const where = line === undefined ? file : `${file}:${line}`;
    const field = options?.field ? ` (field ${options.field})` : '';
    super('PARSE_ERROR', `${where}: ${detail}${field}`, options);
  }
}

/** A request or argument that cannot be carried out as given. */
export class InvalidInputError extends PaperboyError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_INPUT', message, options);
  }
}

export class NotFoundError extends PaperboyError {
  constructor(message: string) {
    super('NOT_FOUND', message);
  }
}

/**
 * The store cannot serve the request right now: locked past its timeout, disk full, read-only,
 * unreachable. Nothing was written; the same request may work in a minute.
 */
export class StoreUnavailableError extends PaperboyError {
  constructor(detail: string, options?: { cause?: unknown }) {
    super('STORE_UNAVAILABLE', `the database cannot be used right now: ${detail}`, options);
  }
}

/** The longest error text shown to a user: a terminal line, a table cell, a health field. */
const MAX_MESSAGE_LENGTH = 300;

/** An error's message as users see it: one bounded line (see oneLine). */
export function errorText(err: unknown, max: number = MAX_MESSAGE_LENGTH): string {
  return oneLine(err instanceof Error ? err.message : String(err), max);
}
