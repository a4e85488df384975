import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../src/mail/rate-limiter.js';

/** A clock that only moves when the limiter sleeps: what the limiter asks for is what we measure. */
function virtualTime() {
  let now = 0;
  return { clock: () => new Date(now), sleep: async (ms: number) => void (now += ms), now: () => now };
}

describe('rate limiter', () => {
  it('spaces messages to the per-second rate, shared by concurrent senders', async () => {
    const t = virtualTime();
    const limiter = createRateLimiter({ perSecond: 10, perHour: 0, clock: t.clock, sleep: t.sleep });
    await Promise.all(Array.from({ length: 4 }, async () => { for (let i = 0; i < 5; i++) await limiter.take(); }));
    // 20 messages at 10/s: the last may go at 1.9 s.
    expect(t.now()).toBeGreaterThanOrEqual(1900);
    expect(t.now()).toBeLessThan(2100);
  });

  it('holds the per-hour cap', async () => {
    const t = virtualTime();
    const limiter = createRateLimiter({ perSecond: 0, perHour: 3, clock: t.clock, sleep: t.sleep });
    for (let i = 0; i < 3; i++) await limiter.take();
    expect(t.now()).toBe(0);
    await limiter.take();
    expect(t.now()).toBe(3_600_000);
  });

  it('halves the pace after a throttling reply, for a while', async () => {
    const t = virtualTime();
    const limiter = createRateLimiter({ perSecond: 8, perHour: 0, clock: t.clock, sleep: t.sleep, slowDownForMs: 10_000 });
    limiter.slowDown();
    expect(limiter.currentRate()).toBe(4);
    limiter.slowDown();
    expect(limiter.currentRate()).toBe(2);
    await t.sleep(10_001);
    expect(limiter.currentRate()).toBe(8);
    const unlimited = createRateLimiter({ perSecond: 0, perHour: 0, clock: t.clock, sleep: t.sleep, fallbackPerSecond: 20 });
    expect(unlimited.currentRate()).toBe(Infinity);
    unlimited.slowDown();
    expect(unlimited.currentRate()).toBe(10);
  });
});
