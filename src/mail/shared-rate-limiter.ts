import type { SendRateStore } from '../store/ports.js';
import { RECOVERY_PER_SUCCESS, type RateLimiter } from './rate-limiter.js';

export interface SharedRateLimiterOptions {
  store: SendRateStore;
  /** One pace per name: every process using the same name and store shares it. */
  name?: string;
  perSecond: number;
  perHour: number;
  clock: () => Date;
  sleep: (ms: number) => Promise<void>;
  slowDownForMs?: number;
}

const HOUR = 3_600_000;

/**
 * The rate limit of several worker processes together: each message reserves the next free slot
 * in the store (one UPDATE … RETURNING), then waits for it. The hourly limit becomes an even pace
 * (one message every hour/perHour), which never goes over it in any hour. A reply asking to slow
 * down halves the pace for every process for a minute; each message accepted while it is slowed
 * brings it a step back (one more write per message, only while slowed). Only used when a limit is set: without one there is
 * nothing to share and no query is made per message.
 */
export function createSharedRateLimiter(o: SharedRateLimiterOptions): RateLimiter {
  const name = o.name ?? 'smtp';
  const slowFor = o.slowDownForMs ?? 60_000;
  const base = Math.max(o.perSecond > 0 ? 1000 / o.perSecond : 0, o.perHour > 0 ? HOUR / o.perHour : 0);
  if (base === 0) throw new Error('the shared rate limiter needs SEND_RATE_PER_SECOND or SEND_RATE_PER_HOUR');
  // The interval between slots as the store last applied it (slower during a slow-down asked by
  // any process), for currentRate() and the next slow-down.
  let step = base;
  // Recorded in the background (the caller is handling a send and must not wait on it), one after
  // the other: a slow-down and the recovery after it must reach the store in that order.
  let writes: Promise<void> = Promise.resolve();
  const record = (intervalMs: number, untilMs: number) => {
    writes = writes.then(() => o.store.slowSends(name, intervalMs, untilMs)).catch(() => undefined);
  };

  return {
    async take() {
      const now = o.clock().getTime();
      const slot = await o.store.reserveSendSlot(name, now, base);
      step = slot.intervalMs;
      if (slot.atMs > now) await o.sleep(slot.atMs - now);
    },
    slowDown() {
      const now = o.clock().getTime();
      step = Math.min(2 * Math.max(step, base), 2000);
      record(step, now + slowFor);
    },
    speedUp() {
      if (step <= base) return;
      const now = o.clock().getTime();
      step = Math.max(base, step / RECOVERY_PER_SUCCESS);
      // Back at the configured pace, the slow-down ends now.
      record(step, step === base ? now : now + slowFor);
    },
    currentRate() {
      return 1000 / step;
    },
  };
}
