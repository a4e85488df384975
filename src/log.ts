/** One line a job: a message and a few key=value facts. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

function format(level: string, message: string, fields: Record<string, unknown> | undefined, now: Date): string {
  const facts = Object.entries(fields ?? {})
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' && !/\s/.test(v) ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${now.toISOString()} ${level} ${message}${facts ? ` ${facts}` : ''}`;
}

/** Logs to stderr, so that commands which print data (feed, papers --json) keep stdout clean. */
export function createConsoleLogger(clock: () => Date = () => new Date()): Logger {
  return {
    info: (m, f) => console.error(format('info ', m, f, clock())),
    warn: (m, f) => console.error(format('warn ', m, f, clock())),
    error: (m, f) => console.error(format('error', m, f, clock())),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
