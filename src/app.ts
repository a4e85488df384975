// The composition root: the one place that opens the store, picks the mail transport and wires
// jobs, web and scheduler together. Nothing else opens a connection.
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { configSecrets, type Config } from './config.js';
import { channelUrlSecrets } from './domain/channel.js';
import { createSecretList, secretsInUrl } from './domain/secrets.js';
import { createChannelJobs } from './jobs/channels/channels.js';
import { createDeliverer, newWorkerId } from './jobs/deliver/deliver.js';
import { withLazyEditions } from './jobs/edition/lazy-digests.js';
import { createDigestJobs } from './jobs/edition/digests.js';
import { createFeedCache } from './jobs/publish/feed-cache.js';
import { createFeedJobs } from './jobs/publish/feeds.js';
import { createPersonalFeedJobs } from './jobs/publish/personal-feed.js';
import { createPersonalTopicJobs } from './jobs/subscribers/personal-topics.js';
import { createIngester } from './jobs/ingest/ingest.js';
import { createPlanner } from './jobs/edition/plan.js';
import { loadSampleDataOnFirstRun } from './jobs/ingest/sample-data.js';
import { startScheduler, type Schedule, type Scheduler } from './jobs/operate/scheduler.js';
import { readSourcesFile } from './jobs/ingest/source-config.js';
import { createSourceJobs, type SourceJobs } from './jobs/ingest/sources.js';
import { createFetcher, type FetchDeps } from './ingest/fetch.js';
import { createSubscriberCsvJobs } from './jobs/subscribers/subscriber-csv.js';
import { createStoreHealth } from './jobs/operate/store-health.js';
import { createTopicJobs } from './jobs/select/topic-jobs.js';
import { createErasureJobs } from './jobs/subscribers/erasure.js';
import { createRatingJobs } from './jobs/subscribers/ratings.js';
import { createSubscriptionJobs } from './jobs/subscribers/subscriptions.js';
import { createConsoleLogger, scrubbingLogger, type Logger } from './log.js';
import type { Mailer } from './mail/message.js';
import { createRateLimiter } from './mail/rate-limiter.js';
import { createSharedRateLimiter } from './mail/shared-rate-limiter.js';
import { PACKAGE_ROOT, SAMPLE_DATA_DIR, TEMPLATES_DIR } from './paths.js';
import { compileEmailTemplates, type EmailTemplates } from './render/email/templates.js';
import type { FeedFormat } from './render/feeds/feed-data.js';
import { renderFeed } from './render/feeds/render-feed.js';
import { modeOf, tightenModes } from './private-files.js';
import { resolveSecret } from './secret.js';
import type { Store } from './store/ports.js';
import { observeCalls } from './store/observed.js';
import { openSqliteStore } from './store/sqlite/open.js';

/** Waits, or stops waiting early when the signal aborts (a shutdown), without throwing. */
async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  await delay(ms, undefined, signal ? { signal } : {}).catch(() => undefined);
}

export interface AppOptions {
  clock?: () => Date;
  logger?: Logger;
  /** The pace of HTTP fetches (real time by default): tests pass a virtual clock and sleep. */
  fetch?: Partial<FetchDeps>;
  /** node-cron's schedule by default; tests fire jobs themselves. */
  schedule?: Schedule;
  /** Monotonic milliseconds for how long the feed cache trusts a version read (real time by default). */
  elapsedMs?: () => number;
}

/** Opens the store DATABASE_URL names and brings its schema up to date. */
async function openStore(database: Config['database'], onUnavailable: (err: Error) => void): Promise<Store> {
  const { lockTimeoutMs } = database;
  if (database.kind === 'postgres') {
    // Loaded only when used: the pg driver is not needed by a SQLite install.
    const { openPostgresStore } = await import('./store/postgres/open.js');
    return openPostgresStore(database.url, {
      schema: database.schema,
      poolSize: database.poolSize,
      lockTimeoutMs,
      onUnavailable,
    });
  }
  return openSqliteStore(database.path, { lockTimeoutMs, onUnavailable });
}

// Loaded on first use: nodemailer costs ~0.1 s to import, and most commands send nothing.
async function openMailer(config: Config): Promise<Mailer> {
  if (config.smtp) return (await import('./mail/smtp.js')).createSmtpMailer({ ...config.smtp, dkim: config.dkim });
  return (await import('./mail/outbox.js')).createOutboxMailer(config.outboxDir);
}

/**
 * Paperboy's files made by an older version, or under a loose umask, are readable by others: they
 * are made owner-only, and the operator is told. A folder Paperboy did not make is left as it is.
 */
function tightenOwnFiles(config: Config, logger: Logger): void {
  const db =
    config.database.kind === 'sqlite' && config.database.path !== ':memory:' ? config.database.path : undefined;
  const files = [...(db ? [db, `${db}-wal`, `${db}-shm`] : []), join(config.dataDir, 'secret'), config.outboxDir];
  for (const { path, was, error } of tightenModes(files)) {
    const mode = was.toString(8);
    if (error)
      logger.warn(`${path} is readable by other users (mode ${mode}) and could not be made owner-only: ${error}`, {
        path,
      });
    else logger.warn(`${path} was readable by other users (mode ${mode}): made owner-only`, { path });
  }
}

/** Builds a Paperboy: store, mailer, jobs. The caller closes it. */
export async function createApp(config: Config, options: AppOptions = {}) {
  const clock = options.clock ?? (() => new Date());
  // Every secret value the app learns (config, the generated secret, the sources' URLs) is masked
  // wherever it would be shown: each log line, and what web/ and cli/ print (app.secrets).
  const secrets = createSecretList(configSecrets(config));
  const logger = scrubbingLogger(options.logger ?? createConsoleLogger(clock), secrets.values);
  tightenOwnFiles(config, logger);
  // Any call through the store may change what a feed shows: the feed cache (made below) checks again.
  let storeTouched = (): void => undefined;
  // Every call that fails because the store cannot be used is reported, for /healthz.
  let storeFailed = (_err: Error): void => undefined;
  // Readers' own editions are stored as views: whoever reads one (the deliverer, the web copy) gets it rendered.
  const store = withLazyEditions(
    observeCalls(
      await openStore(config.database, (err) => storeFailed(err)),
      () => storeTouched(),
      new Set(['contentVersion', 'planVersion', 'lexicalIndex', 'probeWrite']),
    ),
    () => emailTemplates('digest')(),
  );
  const storeHealth = createStoreHealth({ store, clock });
  storeFailed = storeHealth.failed;
  const secret = await resolveSecret(config.secret, config.dataDir);
  secrets.add([secret]);
  let mailer: Promise<Mailer> | undefined;

  // MJML costs ~0.5 s to import and ~12 ms a compile: each template is compiled once, on first use.
  const compiled = new Map<string, Promise<EmailTemplates>>();
  const emailTemplates = (name: string) => () => {
    let templates = compiled.get(name);
    if (!templates) compiled.set(name, (templates = compileEmailTemplates(TEMPLATES_DIR, name)));
    return templates;
  };
  const getMailer = () => (mailer ??= openMailer(config));

  // Politeness and backoff are about real elapsed time, not the business clock (which tests freeze).
  const fetcher = createFetcher(config.sources, { now: Date.now, sleep: (ms) => sleep(ms), ...options.fetch });
  const ingester = createIngester({
    store,
    clock,
    logger,
    fetcher,
    arxivDelayMs: config.sources.arxivDelayMs,
    maxSourceBytes: config.sources.maxBytes,
  });
  let sourceJobs: Promise<SourceJobs> | undefined;
  // Read on first use: a command that never touches sources does not fail on a broken sources file.
  const getSources = () =>
    (sourceJobs ??= readSourcesFile(config.sources.file).then((sources) => {
      const inUrls = sources.flatMap((s) => secretsInUrl(s.url));
      secrets.add(inUrls);
      const mode = modeOf(config.sources.file);
      if (inUrls.length > 0 && mode !== undefined && (mode & 0o077) !== 0) {
        logger.warn(`${config.sources.file} holds source credentials and other users can read it: chmod 600 it`, {
          mode: mode.toString(8),
        });
      }
      return createSourceJobs({ store, fetcher, clock, logger, sources, arxivDelayMs: config.sources.arxivDelayMs });
    }));
  const topics = createTopicJobs({ store, clock, config });
  const digests = createDigestJobs({ store, templates: emailTemplates('digest'), clock, logger, config });
  const planner = createPlanner({ store, editions: digests, logger, config, clock, holder: newWorkerId() });
  // With a limit set, the pace lives in the store and holds for every process on it together;
  // without one, only a relay's "slow down" paces this process (nothing to share, no query per message).
  const { perSecond, perHour } = config.delivery;
  const limiter =
    perSecond > 0 || perHour > 0
      ? createSharedRateLimiter({ store, perSecond, perHour, clock, sleep })
      : createRateLimiter({ perSecond, perHour, clock, sleep });
  const deliverer = createDeliverer({
    store,
    mailer: getMailer,
    confirmTemplates: emailTemplates('confirm'),
    limiter,
    clock,
    sleep,
    logger,
    secret,
    config,
  });
  const deliverConfirmations = (ids: readonly string[]) => deliverer.deliverConfirmations(ids);
  const subscriptions = createSubscriptionJobs({ store, deliverConfirmations, clock, logger, secret, config });
  const subscriberCsv = createSubscriberCsvJobs({ store, subscriptions, deliverConfirmations, clock, logger });
  const ratings = createRatingJobs({ store, secret, clock, logger });
  const erasure = createErasureJobs({ store, clock, logger });
  // Confirmation emails of web sign-ups, tried after the answer: the page never waits for the relay.
  const background = new Set<Promise<unknown>>();
  const feeds = createFeedJobs({ store, clock, config });
  const personalTopics = createPersonalTopicJobs({
    store,
    fetcher,
    clock,
    logger,
    config: { arxivApiUrl: config.personal.arxivApiUrl, arxivDelayMs: config.sources.arxivDelayMs },
    limits: config.personal,
  });
  const personalFeeds = createPersonalFeedJobs({ store, clock, secret, config });
  const channels = createChannelJobs({ store, clock, config, learnSecrets: (values) => secrets.add(values) });
  // Webhook URLs are secrets: known from the start, so that no log line of this process shows one.
  // (A store that cannot answer now is reported by /healthz; the channel commands learn them on use.)
  const known = await store.listChannels().catch(() => []);
  secrets.add(known.flatMap((c) => channelUrlSecrets(c.url)));
  const feedCache = createFeedCache<FeedFormat>({
    version: () => store.contentVersion(),
    now: options.elapsedMs,
    build: async (slug, format) => {
      const data = await feeds.feedData(slug);
      return { body: renderFeed(data, format), updated: data.updated };
    },
  });
  storeTouched = () => feedCache.invalidate();
  let scheduler: Scheduler | undefined;

  return {
    config,
    clock,
    logger,
    store,
    secret,
    /** Masks the secret values known to the app (and URL credentials and keys) in what is shown. */
    secrets,
    /** The SMTP or outbox transport, opened on first use. */
    mailer: getMailer,
    ingester,
    fetcher,
    /** The configured sources (read from the sources file on first use). */
    sources: getSources,
    topics,
    subscriptions,
    subscriberCsv,
    /** Readers' ratings of the papers in their digests. */
    ratings,
    /** Deleting a reader's data, keeping only the suppression of the address. */
    erasure,
    planner,
    deliverer,
    limiter,
    digests,
    feeds,
    /** Readers' own topics and their secret feeds (the preferences page). */
    personalTopics,
    personalFeeds,
    /** Channels: webhooks that receive editions (add, list, remove, test). */
    channels,
    /** Rendered feeds, kept until the store's content version changes. */
    feedCache,
    loadSampleData: () =>
      loadSampleDataOnFirstRun({
        store,
        ingester,
        clock,
        logger,
        sampleDir: SAMPLE_DATA_DIR,
        topicsFile: join(PACKAGE_ROOT, 'data', 'topics.json'),
      }),
    async startScheduler() {
      const sources = await getSources();
      scheduler ??= startScheduler({
        digests,
        planner,
        deliverer,
        logger,
        clock,
        hourUtc: config.digest.hourUtc,
        weeklySendDay: config.schedule.weeklySendDay,
        sources,
        store,
        ...(options.schedule ? { schedule: options.schedule } : {}),
      });
      return scheduler;
    },
    jobStatus: () => scheduler?.status() ?? [],
    /** Whether the store takes writes (see jobs/operate/store-health.ts). */
    storeHealth: () => storeHealth.check(),
    /**
     * Tries a just-queued confirmation email now, without waiting for it: one the relay does not
     * take stays queued for the next delivery run. `idle()` waits for these tries.
     */
    sendConfirmationSoon(subscriberId: string): void {
      const attempt = deliverer
        .deliverConfirmations([subscriberId])
        .catch((err: Error) =>
          logger.error('confirmation email not tried', { subscriber: subscriberId, error: err.message }),
        )
        .finally(() => background.delete(attempt));
      background.add(attempt);
    },
    /** Resolves once the confirmation emails started by `sendConfirmationSoon` have been tried. */
    async idle(): Promise<void> {
      while (background.size > 0) await Promise.all(background);
    },
    async close() {
      await scheduler?.stop();
      while (background.size > 0) await Promise.all(background);
      if (mailer) await (await mailer).close();
      await store.close();
    },
  };
}

export type App = Awaited<ReturnType<typeof createApp>>;
