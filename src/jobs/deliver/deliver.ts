import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { classifySendError, decideAfterFailure, type Delivery, type DeliveryErrorKind } from '../../domain/delivery.js';
import { errorText } from '../../domain/errors.js';
import type { Config } from '../../config.js';
import type { Digest } from '../../domain/digest.js';
import type { Layout } from '../../domain/subscriber.js';
import { topicNames, topicSlugsOf } from '../../domain/topic.js';
import type { Logger } from '../../log.js';
import { addressRefusal, addressRefusals } from './address-check.js';
import type { Mailer } from '../../mail/message.js';
import type { RateLimiter } from '../../mail/rate-limiter.js';
import type { WireTemplate } from '../../mail/wire-message.js';
import type { EmailTemplates } from '../../render/email/templates.js';
import type {
  ChannelStore,
  DeliveryQueue,
  DigestStore,
  PaperStore,
  RunStore,
  SubscriberState,
  SubscriberStore,
  SuppressionStore,
  TopicStore,
} from '../../store/ports.js';
import { createChannelPoster } from './channel-post.js';
import { type AcceptedSend, createAcceptedSends } from './accepted-sends.js';
import { createConfirmationComposer, type Composed, type ConfirmationDeps } from './confirmation-message.js';
import { digestWireMessage, digestWireTemplate } from './digest-message.js';
import { trackRun } from '../operate/runs.js';

export interface DelivererDeps {
  store: DeliveryQueue &
    Pick<SuppressionStore, 'isSuppressed' | 'suppressedAmong' | 'suppress' | 'recordBounce' | 'softBounceStreak'> &
    Pick<SubscriberStore, 'subscriberStates'> &
    Pick<DigestStore, 'getDigest'> &
    Pick<TopicStore, 'listAllTopics'> &
    ConfirmationDeps['store'] &
    Pick<RunStore, 'recordRun'> &
    Pick<ChannelStore, 'getChannelById'> &
    Pick<PaperStore, 'getPapers'>;
  mailer: () => Promise<Mailer>;
  /** The confirmation email's templates, compiled on first use. */
  confirmTemplates: () => Promise<EmailTemplates>;
  limiter: RateLimiter;
  clock: () => Date;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  logger: Logger;
  secret: string;
  random?: () => number;
  config: Pick<Config, 'publicUrl' | 'mailFrom' | 'smtp' | 'delivery' | 'subscribe'>;
}

export interface RunSummary {
  /** Messages the relay accepted (a 250) during the run. */
  sent: number;
  failed: number;
  skipped: number;
  /** Addresses put on the suppression list during the run. */
  suppressed: number;
  /** Attempts that failed and wait for a retry. */
  retried: number;
  /** Rows found in `sending` from a dead worker, held for the operator. */
  interrupted: number;
  /**
   * Messages the relay accepted that could not be recorded as sent (the store kept failing): their
   * rows stay in `sending`, held for the operator, and are never sent again on their own.
   */
  unrecorded: number;
  /** Why the store refused the last of them. */
  unrecordedError?: string;
  /** Set when the run stopped early after too many failures in a row. */
  paused?: string;
  /** Pending rows left that failed an attempt and wait for a retry, and when the first comes due. */
  waiting: number;
  nextRetryAt?: string;
  /** Pending rows never tried whose time has not come yet (planned ahead), and when the first does. */
  dueLater: number;
  firstDueAt?: string;
  /** Pending rows due now that nobody tried: the run paused or was stopped. */
  left: number;
}

export interface RunOptions {
  /** How long to wait for retries that come due; 0 = deliver what is due now and return. */
  maxWaitMs: number;
  signal?: AbortSignal;
  onProgress?: (summary: RunSummary) => void;
}

/** An id for this worker that says where it runs, so a restart on the same host can tell a dead one. */
export function newWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/** Whether the worker that claimed a row is gone: on this host, its process no longer exists. */
function workerIsDead(workerId: string, self: string): boolean {
  if (workerId === self) return false;
  const [host, pid] = workerId.split(':');
  if (host !== hostname() || !pid) return false; // another machine: only the lease can tell
  if (Number(pid) === process.pid) return true; // an earlier life of this pid
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Delivers pending rows — digests and confirmation emails alike — until none is due: claims due
 * rows a small batch at a time (`delivery.claimBatch`) for as many lanes as SMTP connections,
 * re-checks the subscriber just before sending (unsubscribed, suppressed, or for a confirmation
 * email already confirmed), composes the message, sends, and records the outcome.
 * Crash policy: a row found in `sending` from a dead worker
 * is held as failed/interrupted for the operator (`paperboy deliveries retry --interrupted`
 * resends it with the same Message-ID); it is never resent on its own, because the SMTP server
 * may already have accepted it. Once the relay has accepted a message, no error (the store's
 * included) puts its row back to pending: see accepted-sends.ts.
 */
export function createDeliverer(deps: DelivererDeps) {
  const { store, limiter, clock, logger, config } = deps;
  const random = deps.random ?? Math.random;
  const policy = config.delivery;
  const workerId = newWorkerId();
  const lanes = Math.max(1, config.smtp?.connections ?? 1);
  const now = () => clock().toISOString();
  const composeConfirmation = createConfirmationComposer({ store, templates: deps.confirmTemplates, clock, config });
  const channels = createChannelPoster({
    store,
    clock,
    random,
    policy,
    timeoutMs: policy.channelTimeoutMs,
    publicUrl: config.publicUrl,
  });

  interface Prepared {
    digest: Digest;
    /** Per layout, the email built once (headers, boundary, encoded parts), on its first reader. */
    template: (layout: Layout) => WireTemplate;
  }
  const prepared = new Map<string, Promise<Prepared>>();
  const prepare = (digestId: string, mailer: Mailer): Promise<Prepared> => {
    let p = prepared.get(digestId);
    if (!p) {
      p = (async () => {
        const digest = await store.getDigest(digestId);
        if (!digest) throw new Error(`delivery refers to a missing digest ${digestId}`);
        // A personal topic is named in its owner's subject too.
        const topics = await store.listAllTopics();
        const relayTakes8bit = (await mailer.takes8bit?.()) ?? false;
        const names = topicNames(topics, topicSlugsOf(digest.editionKey));
        const templates = new Map<Layout, WireTemplate>();
        const template = (layout: Layout) => {
          let t = templates.get(layout);
          if (!t) {
            t = digestWireTemplate({ digest, layout, topicNames: names, mailFrom: config.mailFrom, relayTakes8bit });
            templates.set(layout, t);
          }
          return t;
        };
        return { digest, template };
      })();
      prepared.set(digestId, p);
    }
    return p;
  };

  type Checked = { skip: DeliveryErrorKind } | { subscriber: SubscriberState };
  const decide = (s: SubscriberState | undefined, refused: DeliveryErrorKind | undefined): Checked => {
    if (!s) return { skip: 'subscriber-gone' };
    if (s.status === 'suppressed') return { skip: 'suppressed' };
    if (refused) return { skip: refused };
    if (s.status !== 'confirmed') return { skip: 'unsubscribed' };
    return { subscriber: s };
  };
  // The digest deliveries of a claimed batch (not a channel's: no subscriber), checked together as they are claimed (two reads for
  // the batch, not two a message): moments before each of them is sent.
  const checkedAtClaim = new Map<string, Checked>();
  async function checkBatch(rows: readonly Delivery[]): Promise<void> {
    const digests = rows.filter((d) => d.kind === 'digest');
    if (digests.length === 0) return;
    const subscribers = new Map(
      (await store.subscriberStates(digests.map((d) => d.subscriberId))).map((s) => [s.id, s]),
    );
    const refusals = await addressRefusals(
      store,
      digests.map((d) => d.email),
    );
    for (const d of digests) checkedAtClaim.set(d.id, decide(subscribers.get(d.subscriberId), refusals.get(d.email)));
  }

  /** The subscriber as they are now, or why the delivery is skipped. */
  async function recipient(d: Delivery): Promise<Checked> {
    const checked = checkedAtClaim.get(d.id);
    if (checked) {
      checkedAtClaim.delete(d.id);
      return checked;
    }
    return decide(await store.getSubscriber(d.subscriberId), await addressRefusal(store, d.email));
  }

  async function composeDigest(d: Delivery, mailer: Mailer): Promise<Composed> {
    const checked = await recipient(d);
    if ('skip' in checked) return checked;
    if (!d.digestId) throw new Error(`digest delivery ${d.id} has no digest`);
    const { template } = await prepare(d.digestId, mailer);
    // The layout is read when the email is made, as the address is: a change applies to the next send.
    const layout = checked.subscriber.layout ?? 'full';
    return {
      message: digestWireMessage(template(layout), {
        to: d.email,
        tokenSubject: d.subscriberId,
        deliveryId: d.id,
        messageId: d.messageId,
        config,
        secret: deps.secret,
        date: clock(),
      }),
    };
  }

  /** The state one run shares between its passes and lanes. */
  interface Run {
    summary: RunSummary;
    mailer: Mailer;
    failuresInARow: number;
    signal: AbortSignal | undefined;
    onProgress: ((summary: RunSummary) => void) | undefined;
  }

  /** Writes an attempt's outcome over this worker's claim; false when the claim was lost. */
  const finish = async (d: Delivery, update: Parameters<DeliveryQueue['finishDelivery']>[2]) => {
    const recorded = await store.finishDelivery(d.id, workerId, update, now());
    if (!recorded) logger.warn('delivery claim lost before it was recorded', { delivery: d.id });
    return recorded;
  };
  const sentRows = (sends: readonly AcceptedSend[]) =>
    sends.map((s) => ({ id: s.delivery.id, smtpResponse: s.smtpResponse, sentAt: s.sentAt }));
  // Kept across runs: a message accepted in one run and not yet recorded is recorded by the next.
  const accepted = createAcceptedSends({
    recordSent: (sends) => store.recordSent(sentRows(sends), workerId, now()),
    sleep: (ms) => deps.sleep(ms),
    logger,
  });

  async function handle(run: Run, d: Delivery): Promise<void> {
    if (d.kind === 'channel') return handleChannel(run, d);
    const { summary } = run;
    const composed = d.kind === 'confirmation' ? await composeConfirmation(d) : await composeDigest(d, run.mailer);
    if ('skip' in composed) {
      await finish(d, { status: 'skipped', errorKind: composed.skip, lastError: null });
      summary.skipped++;
      return;
    }
    await limiter.take();
    let response: string;
    try {
      response = (await run.mailer.send(composed.message)).response;
    } catch (err) {
      await refused(run, d, err as Record<string, unknown>);
      return;
    }
    // The relay accepted it. From here on nothing may put the row back to pending.
    summary.sent++;
    run.failuresInARow = 0;
    limiter.speedUp();
    // Recorded with the others accepted since the last claim, in one write before the next.
    accepted.add({ delivery: d, smtpResponse: response, sentAt: now() });
  }

  /**
   * A channel's delivery: posted to its webhook (no relay pace, no bounces: a webhook is not an
   * address). Once the receiver answered 2xx the row is recorded sent like an accepted email. A
   * webhook's failures say nothing of the relay: they neither pause the run nor end a pause's count.
   */
  async function handleChannel(run: Run, d: Delivery): Promise<void> {
    const { summary } = run;
    const outcome = await channels.attempt(d);
    if (outcome.status === 'skipped') {
      await finish(d, { status: 'skipped', errorKind: outcome.errorKind, lastError: null });
      summary.skipped++;
      return;
    }
    if (outcome.status === 'sent') {
      summary.sent++;
      // Recorded with the accepted emails, in one write before the next claim.
      accepted.add({ delivery: d, smtpResponse: outcome.response, sentAt: now() });
      return;
    }
    if (outcome.status === 'pending') {
      await finish(d, {
        status: 'pending',
        nextAttemptAt: outcome.nextAttemptAt.toISOString(),
        lastError: outcome.message,
        errorKind: outcome.errorKind,
      });
      summary.retried++;
    } else {
      await finish(d, {
        status: 'failed',
        lastError: outcome.message,
        errorKind: outcome.errorKind,
        smtpResponse: outcome.message,
      });
      summary.failed++;
    }
    logger.warn('channel delivery attempt failed', {
      delivery: d.id,
      channel: d.email,
      attempt: d.attempts,
      outcome: outcome.status,
      error: outcome.message,
    });
  }

  /** The relay refused the message, or could not be reached: retry later, or give up. */
  async function refused(run: Run, d: Delivery, err: Record<string, unknown>): Promise<void> {
    const { summary } = run;
    const failure = classifySendError(err);
    // A recipient's greylisting says nothing about the relay: no slow-down, no step toward a pause.
    if (!failure.recipientDeferral) run.failuresInARow++;
    if (failure.kind === 'throttled') limiter.slowDown();
    const decision = decideAfterFailure(failure, d.attempts, policy, clock(), random());
    if (decision.status === 'pending') {
      await finish(d, {
        status: 'pending',
        nextAttemptAt: decision.nextAttemptAt.toISOString(),
        lastError: failure.message,
        errorKind: decision.errorKind,
      });
      summary.retried++;
    } else {
      await finish(d, {
        status: 'failed',
        lastError: failure.message,
        errorKind: decision.errorKind,
        smtpResponse: failure.message,
      });
      summary.failed++;
      if (decision.bounce) {
        await store.recordBounce({
          email: d.email,
          kind: decision.bounce,
          deliveryId: d.id,
          response: failure.message,
          at: now(),
        });
        const suppress =
          decision.bounce === 'hard' || (await store.softBounceStreak(d.email)) >= policy.softBounceLimit;
        if (suppress) {
          await store.suppress(
            d.email,
            decision.bounce === 'hard' ? 'hard-bounce' : 'soft-bounces',
            failure.message,
            now(),
          );
          summary.suppressed++;
        }
      }
    }
    logger.warn('delivery attempt failed', {
      delivery: d.id,
      kind: d.kind,
      attempt: d.attempts,
      outcome: decision.status,
      error: failure.message,
    });
    if (run.failuresInARow >= policy.pauseAfterFailures && !summary.paused) {
      summary.paused = `paused after ${run.failuresInARow} failed attempts in a row; last: ${failure.message}`;
    }
  }

  /**
   * Sends the rows `claim` hands out until it has none: claimed a small batch at a time (one round
   * trip for several) into a local queue the lanes share, one claim in flight at a time. A pause
   * or a stop gives back the claimed rows nobody tried, uncounted.
   */
  async function pass(
    run: Run,
    claim: (limit: number) => Promise<Delivery[]>,
    recordAndClaim?: (sends: readonly AcceptedSend[], limit: number) => Promise<{ recorded: number; next: Delivery[] }>,
  ): Promise<void> {
    const queue: Delivery[] = [];
    let claiming: Promise<number> | undefined;
    const nextRow = async (): Promise<Delivery | undefined> => {
      for (;;) {
        const d = queue.shift();
        if (d) return d;
        // The sends accepted since the last claim are recorded first: the rows this worker holds in
        // `sending` stay within one claim and one per lane.
        claiming ??= accepted
          .flushThen(
            () => claim(policy.claimBatch),
            recordAndClaim && ((sends) => recordAndClaim(sends, policy.claimBatch)),
          )
          .then(async (rows) => {
            queue.push(...rows);
            // Should it fail, each row is checked on its own as it is sent.
            await checkBatch(rows).catch(() => undefined);
            return rows.length;
          })
          .finally(() => (claiming = undefined));
        if ((await claiming) === 0 && queue.length === 0) return undefined;
      }
    };
    const lane = async () => {
      while (!run.summary.paused && !run.signal?.aborted) {
        const d = await nextRow();
        if (!d) return;
        try {
          await handle(run, d);
        } catch (err) {
          // Not an SMTP answer (the store, a missing digest), before any relay accepted the
          // message (handle never throws after): the row waits and is tried again.
          logger.error('delivery could not be attempted', { delivery: d.id, error: errorText(err) });
          const retryAt = new Date(clock().getTime() + policy.backoffBaseMs).toISOString();
          const update = {
            status: 'pending',
            nextAttemptAt: retryAt,
            lastError: errorText(err),
            errorKind: 'transient',
          } as const;
          // If even that cannot be written, the row stays in `sending` and is held, not lost.
          if (await finish(d, update).catch(() => false)) run.summary.retried++;
        }
        run.onProgress?.({ ...run.summary });
      }
    };
    await Promise.all(Array.from({ length: lanes }, lane));
    await accepted.flush(true);
    if (queue.length > 0)
      await store.releaseDeliveries(
        queue.splice(0).map((d) => d.id),
        workerId,
        now(),
      );
  }

  async function startRun(options: Pick<RunOptions, 'signal' | 'onProgress'>): Promise<Run> {
    const summary: RunSummary = {
      sent: 0,
      failed: 0,
      skipped: 0,
      suppressed: 0,
      retried: 0,
      interrupted: 0,
      unrecorded: 0,
      waiting: 0,
      dueLater: 0,
      left: 0,
    };
    return {
      summary,
      mailer: await deps.mailer(),
      failuresInARow: 0,
      signal: options.signal,
      onProgress: options.onProgress,
    };
  }

  async function runOnce(options: RunOptions): Promise<RunSummary> {
    // Digests prepared for recipients are kept for one run only: a long-lived worker must not grow.
    prepared.clear();
    checkedAtClaim.clear();
    const run = await startRun(options);
    const { summary } = run;
    // Before any row is held: an accepted message of an earlier run is recorded sent, not held.
    await accepted.flush();
    const held = await store.holdInterrupted(
      new Date(clock().getTime() - policy.leaseMs).toISOString(),
      (id) => workerIsDead(id, workerId),
      now(),
    );
    summary.interrupted = held.length;
    for (const d of held)
      logger.warn('delivery interrupted, held for the operator', { delivery: d.id, email: d.email });
    // Where the store can, the sends accepted since the last claim are recorded with the next claim.
    const recordAndClaim =
      store.recordSentAndClaim &&
      (async (sends: readonly AcceptedSend[], limit: number) => {
        const r = await store.recordSentAndClaim!(sentRows(sends), workerId, now(), limit);
        return { recorded: r.recorded, next: r.claimed };
      });
    for (;;) {
      await pass(run, (limit) => store.claimDeliveries(workerId, now(), limit), recordAndClaim);
      if (summary.paused || options.signal?.aborted) break;
      const next = await store.nextPendingAt();
      if (!next) break;
      const wait = new Date(next).getTime() - clock().getTime();
      if (wait > options.maxWaitMs) break;
      if (wait > 0) await deps.sleep(wait, options.signal);
    }
    summary.unrecorded = await accepted.flush();
    if (summary.unrecorded > 0) summary.unrecordedError = accepted.lastError();
    const pending = await store.pendingOutlook(now());
    summary.waiting = pending.retry.count;
    summary.dueLater = pending.later.count;
    summary.left = pending.due.count;
    if (pending.retry.firstAt) summary.nextRetryAt = pending.retry.firstAt;
    if (pending.later.firstAt) summary.firstDueAt = pending.later.firstAt;
    if (summary.paused) logger.error('delivery run paused', { reason: summary.paused });
    return summary;
  }

  const record = (s: RunSummary) => ({
    counts: { sent: s.sent, failed: s.failed, skipped: s.skipped },
    detail: {
      suppressed: s.suppressed,
      retried: s.retried,
      interrupted: s.interrupted,
      waiting: s.waiting,
      dueLater: s.dueLater,
      ...(s.unrecorded ? { unrecorded: s.unrecorded } : {}),
      ...(s.paused ? { paused: s.paused } : {}),
    },
    didSomething: s.sent + s.failed + s.skipped + s.retried + s.interrupted > 0,
  });

  return {
    workerId,

    /** One delivery run: one log line and, when it did something, one recorded run. */
    run(options: RunOptions): Promise<RunSummary> {
      return trackRun({ store, logger, clock }, 'deliver', () => runOnce(options), record);
    },

    /**
     * Tries now, once each, the confirmation emails queued for these subscribers that are due, and
     * nothing else: what a sign-up or an import has just queued. One that fails waits in the queue
     * for the next run (`send`, `worker`, `serve`). `waiting` counts
     * those of these subscribers (each with one queued) that this call did not send, fail or skip.
     */
    deliverConfirmations(
      subscriberIds: readonly string[],
      options: Pick<RunOptions, 'signal' | 'onProgress'> = {},
    ): Promise<RunSummary> {
      const ids = [...new Set(subscriberIds)];
      return trackRun(
        { store, logger, clock },
        'deliver',
        async () => {
          const run = await startRun(options);
          const { summary } = run;
          // Each is tried once here: one that fails waits out its backoff in the queue.
          const tried = new Set<string>();
          const claim = async (limit: number) => {
            const rows = await store.claimConfirmations(
              ids.filter((id) => !tried.has(id)),
              workerId,
              now(),
              limit,
            );
            for (const d of rows) tried.add(d.subscriberId);
            return rows;
          };
          if (ids.length > 0) await pass(run, claim);
          summary.unrecorded = await accepted.flush();
          summary.waiting = Math.max(0, ids.length - summary.sent - summary.failed - summary.skipped);
          if (summary.paused) logger.error('confirmation emails paused', { reason: summary.paused });
          return summary;
        },
        record,
      );
    },
  };
}

export type Deliverer = ReturnType<typeof createDeliverer>;
