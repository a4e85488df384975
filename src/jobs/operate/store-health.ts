import type { WriteProbe } from '../../store/ports.js';

export interface StoreHealthDeps {
  store: WriteProbe;
  clock: () => Date;
  /** A failure this recent makes the store degraded, whatever a probe says since. */
  recentMs?: number;
  /** A probe write is made at most this often, and only while no failure is recent. */
  probeEveryMs?: number;
}

export interface StoreHealth {
  status: 'ok' | 'degraded';
  /** When a write (or any call) last failed because the store could not be used. */
  lastFailureAt: string | null;
  error?: string;
}

/**
 * Whether the store takes writes, for /healthz: degraded when a call failed as unavailable in the
 * last minute (every such failure is reported to `failed`), or when a probe write fails. The probe
 * runs at most every 30 s, and not while a failure is recent: on a locked SQLite file a write waits
 * out the lock timeout, and a health check polled every few seconds must not add to the queue.
 */
export function createStoreHealth(deps: StoreHealthDeps) {
  const { store, clock } = deps;
  const recentMs = deps.recentMs ?? 60_000;
  const probeEveryMs = deps.probeEveryMs ?? 30_000;
  let lastFailure: { at: number; error: string } | undefined;
  let lastProbeAt: number | undefined;

  const failed = (err: unknown) => {
    lastFailure = { at: clock().getTime(), error: (err as Error)?.message ?? String(err) };
  };

  return {
    /** Records a failure of the store (the StoreUnavailableError of any call). */
    failed,

    async check(): Promise<StoreHealth> {
      const now = clock().getTime();
      const recent = () => lastFailure !== undefined && now - lastFailure.at < recentMs;
      if (!recent() && (lastProbeAt === undefined || now - lastProbeAt >= probeEveryMs)) {
        lastProbeAt = now;
        await store.probeWrite(new Date(now).toISOString()).catch(failed);
      }
      const lastFailureAt = lastFailure ? new Date(lastFailure.at).toISOString() : null;
      return recent()
        ? { status: 'degraded', lastFailureAt, error: lastFailure!.error }
        : { status: 'ok', lastFailureAt };
    },
  };
}
