import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createRateLimiter } from '../../src/mail/rate-limiter.js';
import { createSharedRateLimiter } from '../../src/mail/shared-rate-limiter.js';
import type { Store } from '../../src/store/ports.js';
import { openPostgresStore } from '../../src/store/postgres/open.js';
import { openSqliteStore } from '../../src/store/sqlite/open.js';
import { tempDir } from '../helpers/env.js';
import { freshSchema } from '../helpers/postgres.js';
import { TEST_PG_URL, postgresAvailable } from '../helpers/system.js';

/** Two connections to one store, as two worker processes would have. */
type TwoProcesses = () => Promise<[Store, Store]>;

const T = Date.parse('2026-11-25T08:00:00Z');

/**
 * Time stands still; each take() records when it was told to send (now + the wait asked for), so
 * the test sees the slots each process was given without waiting for any of them.
 */
function processOn(store: Store, perSecond: number, perHour = 0) {
  const slots: number[] = [];
  const clock = () => new Date(T);
  const limiter = createSharedRateLimiter({
    store,
    perSecond,
    perHour,
    clock,
    sleep: async (ms) => void slots.push(T + ms),
  });
  const take = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const before = slots.length;
      await limiter.take();
      if (slots.length === before) slots.push(T); // no wait: sent at once
    }
  };
  return { limiter, slots, take };
}

function sharedPace(open: TwoProcesses) {
  it('gives two processes one pace: their slots interleave instead of overlapping', async () => {
    const [s1, s2] = await open();
    const a = processOn(s1, 10);
    const b = processOn(s2, 10);
    await Promise.all([a.take(5), b.take(5)]);
    const all = [...a.slots, ...b.slots].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 10 }, (_, i) => T + i * 100));
    // Each process with its own in-process limiter would have sent its five in the first 400 ms.
    const alone: number[] = [];
    const local = createRateLimiter({
      perSecond: 10,
      perHour: 0,
      clock: () => new Date(T),
      sleep: async (ms) => void alone.push(T + ms),
    });
    for (let i = 0; i < 5; i++) await local.take();
    expect(Math.max(...alone)).toBe(T + 400);
  });

  it('spreads an hourly limit evenly, and a slow-down asked by one process slows the other', async () => {
    const [s1, s2] = await open();
    const hourly = processOn(s1, 0, 3600);
    await hourly.take(3);
    expect(hourly.slots).toEqual([T, T + 1000, T + 2000]);

    const a = processOn(s1, 20);
    const b = processOn(s2, 20);
    await a.take(1);
    a.limiter.slowDown();
    expect(a.limiter.currentRate()).toBe(10);
    // The slow-down is recorded in the background: the other process sees it on a following slot.
    await expect
      .poll(async () => {
        await b.take(1);
        return b.slots.length >= 2 && b.slots.at(-1)! - b.slots.at(-2)! === 100;
      })
      .toBe(true);
    expect(b.limiter.currentRate()).toBe(10);
  });

  it('brings a slowed pace back for every process as messages are accepted', async () => {
    const [s1, s2] = await open();
    const a = processOn(s1, 20);
    const b = processOn(s2, 20);
    const gap = async () => {
      await b.take(2);
      return b.slots.at(-1)! - b.slots.at(-2)!;
    };
    await a.take(1);
    a.limiter.slowDown();
    await expect.poll(gap).toBe(100);
    for (let i = 0; i < 8; i++) a.limiter.speedUp();
    expect(a.limiter.currentRate()).toBe(20);
    // Recorded in the background: the other process soon takes slots at the configured pace again.
    await expect.poll(gap).toBe(50);
    expect(b.limiter.currentRate()).toBe(20);
  });
}

describe('a send pace shared through the store', () => {
  describe('on SQLite', () => {
    sharedPace(async () => {
      const path = join(tempDir(), 'paperboy.db');
      const stores = [openSqliteStore(path), openSqliteStore(path)] as [Store, Store];
      onTestFinished(async () => void (await Promise.all(stores.map((s) => s.close()))));
      return stores;
    });
  });

  describe.skipIf(!postgresAvailable())('on PostgreSQL', () => {
    sharedPace(async () => {
      const { schema } = freshSchema();
      const stores = [
        await openPostgresStore(TEST_PG_URL, { schema }),
        await openPostgresStore(TEST_PG_URL, { schema }),
      ] as [Store, Store];
      onTestFinished(async () => void (await Promise.all(stores.map((s) => s.close()))));
      return stores;
    });
  });
});
