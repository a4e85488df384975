/**
 * Counts events per key (an email address, a client IP) in a sliding window, in this process's
 * memory: sign-ups per address, so one address is not sent a storm of confirmation requests from
 * many IPs; failed admin token attempts per client, so the token cannot be guessed at speed.
 */
export function createWindowLimiter(options: { max: number; windowMs: number; clock: () => Date }) {
  const hits = new Map<string, number[]>();
  let lastSweep = 0;

  const recent = (key: string, now: number): number[] => {
    const since = now - options.windowMs;
    if (now - lastSweep > options.windowMs) {
      for (const [k, times] of hits) if ((times.at(-1) ?? 0) <= since) hits.delete(k);
      lastSweep = now;
    }
    const times = (hits.get(key) ?? []).filter((t) => t > since);
    if (times.length > 0) hits.set(key, times);
    else hits.delete(key);
    return times;
  };

  return {
    /** Records an event; false when the key was already at its limit (the event is not counted). */
    allow(key: string): boolean {
      const now = options.clock().getTime();
      const times = recent(key, now);
      if (times.length >= options.max) return false;
      hits.set(key, [...times, now]);
      return true;
    },

    /** Whole seconds until the key is under its limit again; 0 when it is under it now. Records nothing. */
    blockedFor(key: string): number {
      const now = options.clock().getTime();
      const times = recent(key, now);
      if (times.length < options.max) return 0;
      const oldest = times[times.length - options.max] as number;
      return Math.max(1, Math.ceil((oldest + options.windowMs - now) / 1000));
    },

    /** Records an event without asking. */
    record(key: string): void {
      const now = options.clock().getTime();
      hits.set(key, [...recent(key, now), now]);
    },
  };
}
