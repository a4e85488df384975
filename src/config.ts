import { join } from 'node:path';
import { InvalidInputError } from './domain/errors.js';
import { secretsInUrl } from './domain/secrets.js';
import type { SettingValues } from './settings/declarations.js';
import type { TrustProxy } from './settings/kinds.js';
import { readSettings, type Env } from './settings/read.js';

/** `lockTimeoutMs`: how long a write waits for another's lock before the store is "unavailable". */
export type DatabaseConfig =
  | { kind: 'sqlite'; path: string; lockTimeoutMs: number }
  /** `schema`: work in this PostgreSQL schema (created if missing) instead of the user's default. */
  | { kind: 'postgres'; url: string; schema: string | undefined; poolSize: number; lockTimeoutMs: number };

/** Everything Paperboy reads from its environment, validated once, in the shape its parts take it. */
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
  trustProxy: TrustProxy;
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
    /** How long a channel's webhook may take to answer; longer counts as a failed attempt, retried. */
    channelTimeoutMs: number;
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
  /** Readers' own topics (see jobs/subscribers/personal-topics.ts). */
  personal: {
    maxUploadBytes: number;
    maxEntries: number;
    maxTopics: number;
    savesPerHour: number;
    /** Where papers of a reader's library are fetched from by id. */
    arxivApiUrl: string;
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

/** DKIM signs only with all three parts: two of them set is a mistake, not a choice. */
function dkim(values: SettingValues): Config['dkim'] {
  const { DKIM_DOMAIN: domainName, DKIM_SELECTOR: keySelector, DKIM_PRIVATE_KEY: privateKey } = values;
  const set = [domainName, keySelector, privateKey].filter(Boolean).length;
  if (set === 0) return undefined;
  if (!domainName || !keySelector || !privateKey) {
    throw new InvalidInputError('DKIM needs DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY together');
  }
  return { domainName, keySelector, privateKey };
}

/**
 * Reads the environment. The only place in Paperboy that looks at process.env; what each variable
 * means, accepts and defaults to is declared in settings/declarations.ts.
 */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const { values: s, sources } = readSettings(env, cwd);
  const lockTimeoutMs = s.DATABASE_LOCK_TIMEOUT_MS;
  const database: DatabaseConfig =
    s.DATABASE_URL.kind === 'postgres'
      ? {
          kind: 'postgres',
          url: s.DATABASE_URL.url,
          schema: s.DATABASE_SCHEMA,
          poolSize: s.DATABASE_POOL_SIZE,
          lockTimeoutMs,
        }
      : { kind: 'sqlite', path: s.DATABASE_URL.path, lockTimeoutMs };
  // Sites that publish papers ask crawlers to say who they are and how to reach the operator.
  const site = sources.PUBLIC_URL === 'env' ? s.PUBLIC_URL : 'https://github.com/paperboy';
  return {
    dataDir: s.PAPERBOY_DATA_DIR,
    adminToken: s.ADMIN_TOKEN,
    subscribe: {
      confirmHours: s.CONFIRM_TOKEN_HOURS,
      perIp: s.SUBSCRIBE_LIMIT_PER_IP,
      ipWindowMinutes: s.SUBSCRIBE_LIMIT_WINDOW_MINUTES,
      perAddressPerHour: s.SUBSCRIBE_LIMIT_PER_ADDRESS,
      resendMinutes: 10,
      logIpAndUserAgent: s.CONSENT_LOG_IP,
    },
    database,
    smtp: s.SMTP_URL ? { url: s.SMTP_URL, connections: s.SMTP_CONNECTIONS } : undefined,
    outboxDir: join(s.PAPERBOY_DATA_DIR, 'outbox'),
    publicUrl: s.PUBLIC_URL,
    host: s.HOST,
    trustProxy: s.TRUST_PROXY,
    port: s.PORT,
    secret: s.PAPERBOY_SECRET,
    mailFrom: s.MAIL_FROM,
    schedule: {
      weeklySendDay: s.WEEKLY_SEND_DAY,
      maxLateHours: s.MAX_LATE_HOURS,
    },
    delivery: {
      maxAttempts: s.DELIVERY_MAX_ATTEMPTS,
      backoffBaseMs: s.DELIVERY_BACKOFF_MS,
      backoffMaxMs: s.DELIVERY_BACKOFF_MAX_MS,
      leaseMs: s.DELIVERY_LEASE_MS,
      pauseAfterFailures: s.DELIVERY_PAUSE_AFTER_FAILURES,
      softBounceLimit: s.SOFT_BOUNCE_LIMIT,
      perSecond: s.SEND_RATE_PER_SECOND,
      perHour: s.SEND_RATE_PER_HOUR,
      claimBatch: s.DELIVERY_CLAIM_BATCH,
      channelTimeoutMs: s.CHANNEL_TIMEOUT_MS,
    },
    dkim: dkim(s),
    sources: {
      file: s.SOURCES_FILE,
      userAgent: `Paperboy/0.1 (+${site}${s.FETCH_CONTACT ? `; mailto:${s.FETCH_CONTACT}` : ''})`,
      timeoutMs: s.FETCH_TIMEOUT_MS,
      retries: s.FETCH_RETRIES,
      backoffBaseMs: s.FETCH_BACKOFF_MS,
      maxRetryAfterMs: 5 * 60_000,
      arxivDelayMs: s.ARXIV_DELAY_MS,
      maxBytes: s.SOURCE_MAX_BYTES,
    },
    personal: {
      maxUploadBytes: s.PERSONAL_TOPIC_MAX_BYTES,
      maxEntries: s.PERSONAL_TOPIC_MAX_PAPERS,
      maxTopics: s.PERSONAL_TOPICS_PER_READER,
      savesPerHour: s.PERSONAL_TOPIC_SAVES_PER_HOUR,
      arxivApiUrl: s.ARXIV_API_URL,
    },
    digest: {
      maxPapers: s.DIGEST_MAX_PAPERS,
      hourUtc: s.DIGEST_HOUR_UTC,
      popularity: s.RANK_POPULARITY_PERCENT / 100,
      showRevisedPapers: s.SHOW_REVISED_PAPERS,
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
