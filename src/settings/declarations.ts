import {
  database,
  httpUrl,
  path,
  pemPrivateKey,
  schemaName,
  secret,
  smtpUrl,
  text,
  trustProxy,
  wholeNumber,
  yesNo,
} from './kinds.js';
import { setting, type ValueOf } from './setting.js';

/**
 * Every setting Paperboy reads from its environment, each declared once: config.ts builds the
 * Config from these, `paperboy config` shows them, and the table of docs/configuration.md is
 * generated from them (`npm run docs:config`; a test fails when the two differ). A default may
 * name only settings declared above it. Links in a `doc` are relative to docs/.
 */
export const SETTINGS = {
  // Store
  PAPERBOY_DATA_DIR: setting({
    group: 'Store',
    kind: path,
    default: 'data',
    doc: 'where the store, the generated secret and the outbox live',
  }),
  DATABASE_URL: setting({
    group: 'Store',
    kind: database,
    default: '$PAPERBOY_DATA_DIR/paperboy.db',
    doc: 'the SQLite file (a path, or `sqlite:path`), or `postgres://user:pass@host:5432/db` for PostgreSQL',
  }),
  DATABASE_SCHEMA: setting({
    group: 'Store',
    kind: schemaName,
    doc: "PostgreSQL only: work in this schema (created if missing) instead of the user's default",
  }),
  DATABASE_POOL_SIZE: setting({
    group: 'Store',
    kind: wholeNumber(1, 200),
    default: '10',
    doc: 'PostgreSQL only: connections per process',
  }),
  DATABASE_LOCK_TIMEOUT_MS: setting({
    group: 'Store',
    kind: wholeNumber(1, 600_000),
    default: '60000',
    doc:
      "how long a write waits for another's lock (SQLite `busy_timeout`, PostgreSQL `lock_timeout`) before it fails as " +
      '"store unavailable" (a sign-up then answers 503); longer than any write Paperboy itself makes, so one process ' +
      "never fails for another's ingest or import",
  }),

  // Web
  PORT: setting({ group: 'Web', kind: wholeNumber(0, 65535), default: '8080', doc: 'HTTP port' }),
  HOST: setting({
    group: 'Web',
    kind: text('a host name or IP address'),
    default: '127.0.0.1',
    doc: 'the address to listen on; `0.0.0.0` to serve other machines',
  }),
  PUBLIC_URL: setting({
    group: 'Web',
    kind: httpUrl,
    default: 'http://localhost:$PORT',
    doc: 'the address links in emails and feeds point to',
  }),
  TRUST_PROXY: setting({
    group: 'Web',
    kind: trustProxy,
    default: 'false',
    doc:
      'behind a reverse proxy, which `X-Forwarded-For` hops to believe for the client IP (the per-IP limits): a number ' +
      "of proxy hops (`1`: one proxy, the address it appended is the client), or the proxies' addresses and CIDR ranges " +
      'separated by commas (`10.0.0.0/8, ::1`; also `loopback`, `linklocal`, `uniquelocal`). Prefer the addresses when ' +
      'Paperboy can be reached other than through the proxy: with a hop count, whoever connects directly can name any ' +
      "client. `true` believes every hop, so the client's own header decides its IP: safe only behind a proxy that " +
      'overwrites `X-Forwarded-For`',
  }),
  PAPERBOY_SECRET: setting({
    group: 'Web',
    kind: secret(32, 'to have one generated'),
    defaultNote: 'generated on first run',
    secret: true,
    doc: 'signs unsubscribe and preference links; when unset one is generated on first run and kept in `data/secret`',
  }),
  ADMIN_TOKEN: setting({
    group: 'Web',
    kind: secret(24, 'to turn the admin API off'),
    secret: true,
    doc:
      'token of the admin API, the admin page and `/metrics`; unset, none of them exists (404). A client that gives a ' +
      'wrong token 10 times in 15 minutes (the three together) gets 429 for the rest of the window, even with the right one',
  }),

  // Sign-ups
  CONFIRM_TOKEN_HOURS: setting({
    group: 'Sign-ups',
    kind: wholeNumber(1, 24 * 30),
    default: '48',
    doc: 'how long a confirmation link stays valid',
  }),
  SUBSCRIBE_LIMIT_PER_IP: setting({
    group: 'Sign-ups',
    kind: wholeNumber(1, 10_000),
    default: '10',
    doc: 'sign-ups accepted per client IP per `SUBSCRIBE_LIMIT_WINDOW_MINUTES` (then 429)',
  }),
  SUBSCRIBE_LIMIT_WINDOW_MINUTES: setting({
    group: 'Sign-ups',
    kind: wholeNumber(1, 24 * 60),
    default: '15',
    doc: 'the window of `SUBSCRIBE_LIMIT_PER_IP`',
  }),
  SUBSCRIBE_LIMIT_PER_ADDRESS: setting({
    group: 'Sign-ups',
    kind: wholeNumber(1, 100),
    default: '3',
    doc: 'sign-ups accepted per email address per hour (then 429)',
  }),
  CONSENT_LOG_IP: setting({
    group: 'Sign-ups',
    kind: yesNo,
    default: 'false',
    doc: 'also record IP and user agent in the consent log (personal data: off by default)',
  }),

  // Personal topics
  PERSONAL_TOPIC_MAX_BYTES: setting({
    group: 'Personal topics',
    kind: wholeNumber(1024, 20 * 1024 * 1024),
    default: String(2 * 1024 * 1024),
    defaultNote: '2 MB',
    doc: 'the largest library file (BibTeX, RIS, Zotero CSV) a reader may upload for a [personal topic](web.md#personal-topics)',
  }),
  PERSONAL_TOPIC_MAX_PAPERS: setting({
    group: 'Personal topics',
    kind: wholeNumber(1, 2000),
    default: '300',
    doc: 'the most entries an upload or a paste may hold, and the most seed papers a personal topic may have',
  }),
  PERSONAL_TOPICS_PER_READER: setting({
    group: 'Personal topics',
    kind: wholeNumber(0, 100),
    default: '5',
    doc: 'personal topics one reader may keep (0 turns the feature off on the preferences page)',
  }),
  PERSONAL_TOPIC_SAVES_PER_HOUR: setting({
    group: 'Personal topics',
    kind: wholeNumber(1, 1000),
    default: '10',
    doc: 'saves of personal topics one reader may make an hour (each may ask arXiv for papers)',
  }),
  ARXIV_API_URL: setting({
    group: 'Personal topics',
    kind: httpUrl,
    default: 'https://export.arxiv.org/api/query',
    doc: "the arXiv API papers of a reader's library are fetched from by id (`id_list`), at the pace of `ARXIV_DELAY_MS`",
  }),

  // Digests
  DIGEST_HOUR_UTC: setting({
    group: 'Digests',
    kind: wholeNumber(0, 23),
    default: '8',
    doc: "when the daily job freezes each topic's digest",
  }),
  WEEKLY_SEND_DAY: setting({
    group: 'Digests',
    kind: wholeNumber(1, 7),
    default: '1',
    doc: 'ISO weekday weekly digests go out on (1 = Monday … 7 = Sunday)',
  }),
  MAX_LATE_HOURS: setting({
    group: 'Digests',
    kind: wholeNumber(0, 24 * 7),
    defaultNote: 'sent late',
    doc: 'after downtime, skip a period whose send time is further back than this (its papers go into the next edition)',
  }),
  DIGEST_MAX_PAPERS: setting({
    group: 'Digests',
    kind: wholeNumber(1, 200),
    default: '25',
    doc:
      'papers shown in one email; the rest are linked ("N more papers on the web", to `/digests/<id>/more`, which lists ' +
      "them under each topic); also the top N of a topic's weekly digest",
  }),
  SHOW_REVISED_PAPERS: setting({
    group: 'Digests',
    kind: yesNo,
    default: 'false',
    doc:
      'show a paper arXiv has revised (a newer version than the stored one) once more, marked "Updated (vN)", to the ' +
      'subscribers who had an older version (see [How a digest is made](architecture.md#how-a-digest-is-made)); off, a paper reaches ' +
      'a subscriber once',
  }),
  RANK_POPULARITY_PERCENT: setting({
    group: 'Digests',
    kind: wholeNumber(0, 100),
    default: '0',
    doc: "how much of a paper's rank comes from its upvotes (log-scaled, among papers that match; only where the source has upvotes)",
  }),

  // Email
  SMTP_URL: setting({
    group: 'Email',
    kind: smtpUrl,
    defaultNote: 'emails are written as `.eml` files to `data/outbox/`',
    doc: 'the SMTP relay: `smtp://user:pass@host:587` or `smtps://…`',
  }),
  SMTP_CONNECTIONS: setting({
    group: 'Email',
    kind: wholeNumber(1, 50),
    default: '2',
    doc: 'parallel SMTP connections',
  }),
  MAIL_FROM: setting({
    group: 'Email',
    kind: text('an address, e.g. `Name <user@example.org>`'),
    default: 'Paperboy <paperboy@localhost>',
    doc: 'the From address; its domain is used in Message-IDs and List-Ids',
  }),
  DKIM_DOMAIN: setting({
    group: 'Email',
    kind: text('a domain name'),
    doc: 'DKIM signing domain; DKIM signs when all three `DKIM_` settings are set',
  }),
  DKIM_SELECTOR: setting({
    group: 'Email',
    kind: text('a DNS label'),
    doc: 'DKIM key selector',
  }),
  DKIM_PRIVATE_KEY: setting({
    group: 'Email',
    kind: pemPrivateKey,
    secret: true,
    doc: 'DKIM signing key',
  }),

  // Delivery
  DELIVERY_MAX_ATTEMPTS: setting({
    group: 'Delivery',
    kind: wholeNumber(1, 50),
    default: '6',
    doc: 'attempts before a delivery fails for good',
  }),
  DELIVERY_BACKOFF_MS: setting({
    group: 'Delivery',
    kind: wholeNumber(1, 3_600_000),
    default: '30000',
    doc: 'the first retry delay (×4 each time, ±25 % jitter)',
  }),
  DELIVERY_BACKOFF_MAX_MS: setting({
    group: 'Delivery',
    kind: wholeNumber(1, 7 * 86_400_000),
    default: String(6 * 3_600_000),
    defaultNote: '6 h',
    doc: 'the longest retry delay',
  }),
  DELIVERY_LEASE_MS: setting({
    group: 'Delivery',
    kind: wholeNumber(100, 86_400_000),
    default: String(10 * 60_000),
    doc: 'a row in `sending` this old is taken to be from a dead worker',
  }),
  CHANNEL_TIMEOUT_MS: setting({
    group: 'Delivery',
    kind: wholeNumber(100, 600_000),
    default: '10000',
    defaultNote: '10 s',
    doc: 'how long a [channel](channels.md) webhook may take to answer before the post is retried',
  }),
  DELIVERY_PAUSE_AFTER_FAILURES: setting({
    group: 'Delivery',
    kind: wholeNumber(1, 100_000),
    default: '20',
    doc: 'failed attempts in a row that pause a run',
  }),
  SOFT_BOUNCE_LIMIT: setting({
    group: 'Delivery',
    kind: wholeNumber(1, 100),
    default: '3',
    doc: 'soft bounces in a row that suppress an address',
  }),
  SEND_RATE_PER_SECOND: setting({
    group: 'Delivery',
    kind: wholeNumber(0, 100_000),
    default: '0',
    doc: 'messages a second, for every process on the store together (0 = no limit)',
  }),
  SEND_RATE_PER_HOUR: setting({
    group: 'Delivery',
    kind: wholeNumber(0, 100_000_000),
    default: '0',
    doc: 'messages an hour, for every process on the store together, spread evenly over the hour (0 = no limit)',
  }),
  DELIVERY_CLAIM_BATCH: setting({
    group: 'Delivery',
    kind: wholeNumber(1, 1000),
    // A claim and the write of the sends accepted since the last (on SQLite one commit for both)
    // are paid once a batch, not once a message; the cost is the rows a crash can leave held (this
    // plus one per connection). On PostgreSQL a claim is also a network round trip; on SQLite,
    // whose claims take rows in the order they were written, 16 rows cost two fifths less CPU a
    // message than 8 (BENCHMARKS.md, delivery).
    default: '16',
    doc: 'due deliveries a worker claims at once; the sends it accepted since its last claim are recorded in one write before the next',
  }),

  // Sources
  SOURCES_FILE: setting({
    group: 'Sources',
    kind: path,
    default: '$PAPERBOY_DATA_DIR/sources.json',
    doc: 'the configured sources (see [Sources](sources.md)); a missing file means none',
  }),
  FETCH_TIMEOUT_MS: setting({
    group: 'Sources',
    kind: wholeNumber(100, 600_000),
    default: '30000',
    doc: 'a fetch (headers and body) that takes longer is abandoned and retried',
  }),
  FETCH_RETRIES: setting({
    group: 'Sources',
    kind: wholeNumber(0, 10),
    default: '3',
    doc: 'retries of a fetch (network error, timeout, truncated body, 408/425/429/5xx)',
  }),
  FETCH_BACKOFF_MS: setting({
    group: 'Sources',
    kind: wholeNumber(1, 600_000),
    default: '2000',
    doc: 'the first wait before a retry (×4 each time; a `Retry-After` up to 5 min is honoured, a longer one fails the run)',
  }),
  ARXIV_DELAY_MS: setting({
    group: 'Sources',
    kind: wholeNumber(3_000, 600_000),
    default: '3000',
    doc: 'between two requests to arXiv (at least 3000, as arXiv asks); arXiv requests go one at a time',
  }),
  SOURCE_MAX_BYTES: setting({
    group: 'Sources',
    // Up to 500 MB: past ~512 MB a source no longer fits in one JavaScript string.
    kind: wholeNumber(1024, 500 * 1024 * 1024),
    default: String(50 * 1024 * 1024),
    defaultNote: '50 MB',
    doc: 'the largest source read, file or download; a larger one is refused once, without retry: by its `Content-Length`, or when that many bytes have arrived',
  }),
  FETCH_CONTACT: setting({
    group: 'Sources',
    kind: text('an email address'),
    doc: 'an email address added to the User-Agent (`Paperboy/0.1 (+PUBLIC_URL; mailto:…)`), as arXiv asks of crawlers',
  }),
};

export type SettingName = keyof typeof SETTINGS;

/** Each setting's value, as config.ts receives it. */
export type SettingValues = { [K in SettingName]: ValueOf<(typeof SETTINGS)[K]> };
