/**
 * Paces sends for every worker of one process: at most `perSecond` messages a second and
 * `perHour` an hour (0 = no limit). A reply asking to slow down (see classifySendError) halves the
 * pace, and again for each further one, so the sender backs off instead of dropping anyone; each
 * message the relay accepts then brings the pace a step back up, and a minute without a
 * slow-down restores it whole.
 */
export interface RateLimiter {
  /** Resolves when the next message may go. */
  take(): Promise<void>;
  /** The relay said "slow down". */
  slowDown(): void;
  /** The relay accepted a message: a slowed pace recovers a step. */
  speedUp(): void;
  /** Messages a second now, Infinity when unlimited. */
  currentRate(): number;
}

export interface RateLimiterOptions {
  perSecond: number;
  perHour: number;
  clock: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** The pace assumed when slowing down from "unlimited". */
  fallbackPerSecond?: number;
  slowDownForMs?: number;
}

const HOUR = 3_600_000;
/**
 * How much each accepted message raises a slowed pace: seven in a row undo one halving, so a relay
 * that asked once is soon sent to at full pace again, and one that keeps asking keeps it down.
 */
export const RECOVERY_PER_SUCCESS = 1.1;

export function createRateLimiter(o: RateLimiterOptions): RateLimiter {
  const slowFor = o.slowDownForMs ?? 60_000;
  let throttledRate = 0;
  let throttledUntil = 0;
  let nextSlot = 0;
  const sentThisHour: number[] = [];

  const rate = (now: number): number => {
    if (throttledRate > 0 && now < throttledUntil) return throttledRate;
    return o.perSecond > 0 ? o.perSecond : Infinity;
  };

  return {
    async take() {
      // Reserve a slot synchronously, so concurrent callers queue up instead of racing.
      const now = o.clock().getTime();
      const r = rate(now);
      let at = now;
      if (Number.isFinite(r)) {
        at = Math.max(now, nextSlot);
        nextSlot = at + 1000 / r;
      }
      if (o.perHour > 0) {
        while (sentThisHour.length > 0 && (sentThisHour[0] as number) <= at - HOUR) sentThisHour.shift();
        if (sentThisHour.length >= o.perHour)
          at = Math.max(at, (sentThisHour[sentThisHour.length - o.perHour] as number) + HOUR);
        sentThisHour.push(at);
      }
      if (at > now) await o.sleep(at - now);
    },
    slowDown() {
      const now = o.clock().getTime();
      const current = rate(now);
      throttledRate = Math.max(0.5, (Number.isFinite(current) ? current : (o.fallbackPerSecond ?? 20)) / 2);
      throttledUntil = now + slowFor;
    },
    speedUp() {
      if (throttledRate === 0 || o.clock().getTime() >= throttledUntil) return;
      throttledRate *= RECOVERY_PER_SUCCESS;
      const full = o.perSecond > 0 ? o.perSecond : (o.fallbackPerSecond ?? 20);
      if (throttledRate >= full) throttledRate = 0;
    },
    currentRate() {
      return rate(o.clock().getTime());
    },
  };
}
