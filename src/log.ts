import pino from 'pino';
import { maskSecrets } from './domain/secrets.js';
import { oneLine } from './domain/text.js';

/** One structured line a job: a message and a few facts. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

// Field names whose values are secrets wherever they appear; other strings have their URLs masked.
const SECRET_KEYS =
  /^(password|pass|secret|token|adminToken|authorization|cookie|privateKey|smtpUrl|SMTP_URL|databaseUrl|DATABASE_URL|DKIM_PRIVATE_KEY|PAPERBOY_SECRET|ADMIN_TOKEN)$/i;

/**
 * What a log line may show of a value: secrets by key are hidden; in every string, URLs lose their
 * credentials and key-like parameters, and the `known` secret values are masked wherever they appear.
 */
export function scrub(value: unknown, key = '', known: readonly string[] = []): unknown {
  if (SECRET_KEYS.test(key)) return '[redacted]';
  if (typeof value === 'string') return maskSecrets(value, known);
  if (Array.isArray(value)) return value.map((v) => scrub(v, '', known));
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, k, known)]));
  }
  return value;
}

/** A logger whose lines are scrubbed first, with the secret values known at the time of each line. */
export function scrubbingLogger(inner: Logger, known: () => Iterable<string> = () => []): Logger {
  const line = (at: keyof Logger) => (message: string, fields?: Record<string, unknown>) => {
    const values = [...known()];
    inner[at](maskSecrets(message, values), fields ? (scrub(fields, '', values) as Record<string, unknown>) : fields);
  };
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}

// An error's text comes from outside (a parser, a server, a relay): one bounded line, like everywhere users read it.
function boundErrors(fields: Record<string, unknown>): Record<string, unknown> {
  for (const key of ['error', 'detail'])
    if (typeof fields[key] === 'string') fields[key] = oneLine(fields[key] as string);
  return fields;
}

/**
 * JSON lines (pino) on stderr, so that commands which print data (feed, papers --json) keep stdout
 * clean. Written synchronously: a CLI command that exits right after its last line loses nothing.
 */
export function createConsoleLogger(clock: () => Date = () => new Date(), level: string = 'info'): Logger {
  const log = pino(
    {
      level,
      base: undefined,
      timestamp: () => `,"time":"${clock().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination({ fd: 2, sync: true }),
  );
  const line = (at: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields?: Record<string, unknown>) => {
    if (!log.isLevelEnabled(at)) return;
    log[at](fields ? boundErrors(scrub(fields) as Record<string, unknown>) : {}, scrub(message) as string);
  };
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
