/**
 * Counts requests per key (an email address) in a sliding window, in this process's memory.
 * It keeps one address from being sent a storm of confirmation requests from many IPs.
 */
export function createAddressLimiter(options: { max: number; windowMs: number; clock: () => Date }) {
  const hits = new Map<string, number[]>();
  let lastSweep = 0;
  return {
    /** Records a request; false when the key is over its limit. */
    allow(key: string): boolean {
      const now = options.clock().getTime();
      const since = now - options.windowMs;
      if (now - lastSweep > options.windowMs) {
        for (const [k, times] of hits) if ((times.at(-1) ?? 0) <= since) hits.delete(k);
        lastSweep = now;
      }
      const recent = (hits.get(key) ?? []).filter((t) => t > since);
      if (recent.length >= options.max) {
        hits.set(key, recent);
        return false;
      }
      recent.push(now);
      hits.set(key, recent);
      return true;
    },
  };
}
