import { isIP } from 'node:net';
import { isAbsolute, join, resolve } from 'node:path';
import { InvalidInputError } from './domain/errors.js';
import { secretsInUrl } from './domain/secrets.js';

/** `lockTimeoutMs`: how long a write waits for another's lock before the store is "unavailable". */
export type DatabaseConfig =
  | { kind: 'sqlite'; path: string; lockTimeoutMs: number }
  /** `schema`: work in this PostgreSQL schema (created if missing) instead of the user's default. */
  | { kind: 'postgres'; url: string; schema: string | undefined; poolSize: number; lockTimeoutMs: number };

/** Everything Paperboy reads from its environment, validated once. */
export interface Config {
  dataDir: string;
  database: DatabaseConfig;
  /** Unset: emails are written to `outboxDir` as .eml files. */
  smtp: { url: string; connections: number } | undefined;
  outboxDir: string;
  publicUrl: string;
  host: string;
  port: number;
  /**
   * Which X-Forwarded-For hops to believe for the client IP (rate limits), as Fastify's trustProxy
   * takes it: false (none), a number of proxy hops, proxy addresses/CIDRs, or true (every hop:
   * safe only behind a proxy that overwrites the header, since a client can write it).
   */
  trustProxy: boolean | number | string[];
  /** Unset: generated on first run and kept in `<dataDir>/secret`. */
  secret: string | undefined;
  mailFrom: string;
  /** Bearer token of the admin API; unset, the admin API is off. */
  adminToken: string | undefined;
  subscribe: {
    /** Hours a confirmation link stays valid. */
    confirmHours: number;
    /** POST /subscribe allowed per client IP in `ipWindowMinutes`. */
    perIp: number;
    ipWindowMinutes: number;
    /** POST /subscribe allowed per address per hour. */
    perAddressPerHour: number;
    /** A pending address is sent its confirmation again at most this often. */
    resendMinutes: number;
    /** Record IP and user agent in the consent log (off by default: they are personal data). */
    logIpAndUserAgent: boolean;
  };
  schedule: {
    /** ISO weekday weekly digests go out on (1 = Monday). */
    weeklySendDay: number;
    /** A period whose send time is further back than this when Paperboy comes back is skipped (its papers go into the next edition); unset: sent late. */
    maxLateHours: number | undefined;
  };
  delivery: {
    /** Attempts before a delivery fails for good. */
    maxAttempts: number;
    /** The first retry waits about this long; each later one four times longer, up to backoffMaxMs. */
    backoffBaseMs: number;
    backoffMaxMs: number;
    /** A row left in `sending` this long is taken to be from a dead worker. */
    leaseMs: number;
    /** A run stops after this many failed attempts in a row, and says why. */
    pauseAfterFailures: number;
    /** Soft bounces in a row (no send in between) that suppress an address. */
    softBounceLimit: number;
    /**
     * Messages a second and an hour (0 = no limit). Set, they hold for every process on the store
     * together (the pace is kept in the database); the hourly limit is spread evenly over the hour.
     */
    perSecond: number;
    perHour: number;
    /**
     * Rows a worker claims at once. A worker killed mid-run leaves up to this many rows (plus one per
     * other SMTP connection) held as interrupted, so it stays small.
     */
    claimBatch: number;
  };
  /** DKIM signing, when all three are set. */
  dkim: { domainName: string; keySelector: string; privateKey: string } | undefined;
  sources: {
    /** The configured sources (JSON); a missing file means none. */
    file: string;
    userAgent: string;
    timeoutMs: number;
    retries: number;
    backoffBaseMs: number;
    maxRetryAfterMs: number;
    /** Between two arXiv requests: arXiv asks for at least 3 s. */
    arxivDelayMs: number;
    /** The largest source read, file or download; a larger one is refused before it fills memory. */
    maxBytes: number;
  };
  digest: {
    /** Papers shown in one email; the rest are linked. */
    maxPapers: number;
    /** The UTC hour at which the daily topic digests are frozen. */
    hourUtc: number;
    /** 0 to 1: how much of a paper's rank comes from its upvotes, where the source has them (0 = relevance only). */
    popularity: number;
    /**
     * Show a revised paper (a newer arXiv version) once more, marked updated, to the subscribers
     * who had an older version. Off: a paper reaches a subscriber once, whatever its version.
     */
    showRevisedPapers: boolean;
  };
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new InvalidInputError(`${name}=${raw} is not a whole number between ${min} and ${max}`);
  }
  return n;
}

function boolean(env: Env, name: string): boolean {
  const raw = (env[name] ?? '').toLowerCase();
  if (raw === '' || raw === '0' || raw === 'false' || raw === 'no') return false;
  if (raw === '1' || raw === 'true' || raw === 'yes') return true;
  throw new InvalidInputError(`${name}=${env[name]} is not a yes/no value (use true or false)`);
}

// proxy-addr's names for ranges, which Fastify accepts beside addresses and CIDRs.
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function trustProxy(env: Env): Config['trustProxy'] {
  const raw = (env.TRUST_PROXY ?? '').trim();
  const lower = raw.toLowerCase();
  if (lower === '' || lower === '0' || lower === 'false' || lower === 'no') return false;
  if (lower === 'true' || lower === 'yes') return true;
  if (/^\d+$/.test(raw)) return integer(env, 'TRUST_PROXY', 0, 1, 100);
  const entries = raw.split(',').map((e) => e.trim());
  for (const entry of entries) {
    const [address = '', prefix, extra] = entry.split('/');
    const bits = isIP(address) === 4 ? 32 : isIP(address) === 6 ? 128 : 0;
    const validPrefix = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits);
    if (PROXY_RANGE_NAMES.has(entry) || (bits > 0 && validPrefix && extra === undefined)) continue;
    throw new InvalidInputError(
      `TRUST_PROXY: "${entry}" is not an IP address or CIDR range (give a number of proxy hops, or the proxies' addresses separated by commas)`,
    );
  }
  return entries;
}

function httpUrl(name: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidInputError(`${name} is not a URL (expected e.g. https://papers.example.org)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidInputError(`${name} must be an http(s) URL`);
  return url.toString().replace(/\/+$/, '');
}

function database(env: Env, dataDir: string, cwd: string): DatabaseConfig {
  const raw = env.DATABASE_URL;
  const lockTimeoutMs = integer(env, 'DATABASE_LOCK_TIMEOUT_MS', 60_000, 1, 600_000);
  if (!raw) return { kind: 'sqlite', path: join(dataDir, 'paperboy.db'), lockTimeoutMs };
  if (/^postgres(ql)?:\/\//.test(raw)) {
    const schema = env.DATABASE_SCHEMA || undefined;
    if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
      throw new InvalidInputError(`DATABASE_SCHEMA=${schema} is not a schema name (lower-case letters, digits and _)`);
    }
    return { kind: 'postgres', url: raw, schema, poolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 1, 200), lockTimeoutMs };
  }
  const path = raw.replace(/^sqlite:(\/\/)?/, '');
  return { kind: 'sqlite', path: path === ':memory:' || isAbsolute(path) ? path : resolve(cwd, path), lockTimeoutMs };
}

function smtp(env: Env): Config['smtp'] {
  const url = env.SMTP_URL;
  if (!url) return undefined;
  if (!/^smtps?:\/\//.test(url)) {
    // The value may hold a password: name the variable, never echo it.
    throw new InvalidInputError('SMTP_URL must start with smtp:// or smtps://');
  }
  return { url, connections: integer(env, 'SMTP_CONNECTIONS', 2, 1, 50) };
}

function dkim(env: Env): Config['dkim'] {
  const { DKIM_DOMAIN: domainName, DKIM_SELECTOR: keySelector, DKIM_PRIVATE_KEY: privateKey } = env;
  const set = [domainName, keySelector, privateKey].filter(Boolean).length;
  if (set === 0) return undefined;
  if (!domainName || !keySelector || !privateKey) {
    throw new InvalidInputError('DKIM needs DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY together');
  }
  if (!privateKey.includes('PRIVATE KEY-----')) {
    // Never echo the value: it is a secret.
    throw new InvalidInputError('DKIM_PRIVATE_KEY must be a PEM private key');
  }
  return { domainName, keySelector, privateKey };
}

/** Reads the environment. The only place in Paperboy that looks at process.env. */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const dataDir = resolve(cwd, env.PAPERBOY_DATA_DIR || 'data');
  const port = integer(env, 'PORT', 8080, 0, 65535);
  const secret = env.PAPERBOY_SECRET || undefined;
  if (secret !== undefined && secret.length < 32) {
    throw new InvalidInputError('PAPERBOY_SECRET must be at least 32 characters (or unset, to have one generated)');
  }
  const adminToken = env.ADMIN_TOKEN || undefined;
  if (adminToken !== undefined && adminToken.length < 24) {
    throw new InvalidInputError('ADMIN_TOKEN must be at least 24 characters (or unset, to turn the admin API off)');
  }
  const db = database(env, dataDir, cwd);
  return {
    dataDir,
    adminToken,
    subscribe: {
      confirmHours: integer(env, 'CONFIRM_TOKEN_HOURS', 48, 1, 24 * 30),
      perIp: integer(env, 'SUBSCRIBE_LIMIT_PER_IP', 10, 1, 10_000),
      ipWindowMinutes: integer(env, 'SUBSCRIBE_LIMIT_WINDOW_MINUTES', 15, 1, 24 * 60),
      perAddressPerHour: integer(env, 'SUBSCRIBE_LIMIT_PER_ADDRESS', 3, 1, 100),
      resendMinutes: 10,
      logIpAndUserAgent: boolean(env, 'CONSENT_LOG_IP'),
    },
    database: db,
    smtp: smtp(env),
    outboxDir: join(dataDir, 'outbox'),
    publicUrl: env.PUBLIC_URL ? httpUrl('PUBLIC_URL', env.PUBLIC_URL) : `http://localhost:${port}`,
    host: env.HOST || '127.0.0.1',
    trustProxy: trustProxy(env),
    port,
    secret,
    mailFrom: env.MAIL_FROM || 'Paperboy <paperboy@localhost>',
    schedule: {
      weeklySendDay: integer(env, 'WEEKLY_SEND_DAY', 1, 1, 7),
      maxLateHours: env.MAX_LATE_HOURS ? integer(env, 'MAX_LATE_HOURS', 0, 0, 24 * 7) : undefined,
    },
    delivery: {
      maxAttempts: integer(env, 'DELIVERY_MAX_ATTEMPTS', 6, 1, 50),
      backoffBaseMs: integer(env, 'DELIVERY_BACKOFF_MS', 30_000, 1, 3_600_000),
      backoffMaxMs: integer(env, 'DELIVERY_BACKOFF_MAX_MS', 6 * 3_600_000, 1, 7 * 86_400_000),
      leaseMs: integer(env, 'DELIVERY_LEASE_MS', 10 * 60_000, 100, 86_400_000),
      pauseAfterFailures: integer(env, 'DELIVERY_PAUSE_AFTER_FAILURES', 20, 1, 100_000),
      softBounceLimit: integer(env, 'SOFT_BOUNCE_LIMIT', 3, 1, 100),
      perSecond: integer(env, 'SEND_RATE_PER_SECOND', 0, 0, 100_000),
      perHour: integer(env, 'SEND_RATE_PER_HOUR', 0, 0, 100_000_000),
      // On SQLite a claim is a local call and batching buys nothing; on PostgreSQL it saves round trips.
      claimBatch: integer(env, 'DELIVERY_CLAIM_BATCH', db.kind === 'postgres' ? 4 : 1, 1, 1000),
    },
    dkim: dkim(env),
    sources: {
      file: env.SOURCES_FILE ? resolve(cwd, env.SOURCES_FILE) : join(dataDir, 'sources.json'),
      // Sites that publish papers ask crawlers to say who they are and how to reach the operator.
      userAgent: `Paperboy/0.1 (+${env.PUBLIC_URL ? httpUrl('PUBLIC_URL', env.PUBLIC_URL) : 'https://github.com/paperboy'}${env.FETCH_CONTACT ? `; mailto:${env.FETCH_CONTACT}` : ''})`,
      timeoutMs: integer(env, 'FETCH_TIMEOUT_MS', 30_000, 100, 600_000),
      retries: integer(env, 'FETCH_RETRIES', 3, 0, 10),
      backoffBaseMs: integer(env, 'FETCH_BACKOFF_MS', 2_000, 1, 600_000),
      maxRetryAfterMs: 5 * 60_000,
      arxivDelayMs: integer(env, 'ARXIV_DELAY_MS', 3_000, 3_000, 600_000),
      // Up to 500 MB: past ~512 MB a source no longer fits in one JavaScript string.
      maxBytes: integer(env, 'SOURCE_MAX_BYTES', 50 * 1024 * 1024, 1024, 500 * 1024 * 1024),
    },
    digest: {
      maxPapers: integer(env, 'DIGEST_MAX_PAPERS', 25, 1, 200),
      hourUtc: integer(env, 'DIGEST_HOUR_UTC', 8, 0, 23),
      popularity: integer(env, 'RANK_POPULARITY_PERCENT', 0, 0, 100) / 100,
      showRevisedPapers: boolean(env, 'SHOW_REVISED_PAPERS'),
    },
  };
}

/** The secret values in a config: never shown in a log line, a page or a CLI message. */
export function configSecrets(config: Config): string[] {
  return [
    config.secret,
    config.adminToken,
    config.dkim?.privateKey,
    ...(config.smtp ? secretsInUrl(config.smtp.url) : []),
    ...(config.database.kind === 'postgres' ? secretsInUrl(config.database.url) : []),
  ].filter((v): v is string => Boolean(v));
}
