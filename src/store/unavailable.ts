// A store that cannot be used right now (locked past its timeout, disk full, read-only,
// unreachable) must say so in one way, whatever the engine: a StoreUnavailableError. Callers then
// answer "try again in a minute" (web: 503) instead of mistaking the failure for success or for a
// bug. Each engine says which of its errors mean that (see sqlite/open.ts and postgres/open.ts).
import { StoreUnavailableError } from '../domain/errors.js';

export interface UnavailableOptions {
  /** Called with each such failure, e.g. to report the store degraded on /healthz. */
  onUnavailable?: (err: StoreUnavailableError) => void;
}

/**
 * The same store, its methods' failures that `isUnavailable` recognises turned into a
 * StoreUnavailableError (the engine's error kept as its `cause`); other errors pass unchanged.
 */
export function guardUnavailable<T extends object>(
  store: T,
  isUnavailable: (err: unknown) => string | undefined,
  options: UnavailableOptions = {},
): T {
  const translate = (err: unknown): unknown => {
    if (err instanceof StoreUnavailableError) return err;
    const detail = isUnavailable(err);
    if (detail === undefined) return err;
    const unavailable = new StoreUnavailableError(detail, { cause: err });
    options.onUnavailable?.(unavailable);
    return unavailable;
  };
  // Keyed by the function, not its name: a method replaced on the store is wrapped anew.
  const wrapped = new WeakMap<object, unknown>();
  return new Proxy(store, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      let wrapper = wrapped.get(value);
      if (!wrapper) {
        wrapper = (...args: unknown[]) => {
          let result: unknown;
          try {
            result = (value as (...a: unknown[]) => unknown).apply(target, args);
          } catch (err) {
            throw translate(err);
          }
          return result instanceof Promise ? result.catch((err: unknown) => Promise.reject(translate(err))) : result;
        };
        wrapped.set(value, wrapper);
      }
      return wrapper;
    },
  });
}

/** The first line of an error's message, for a one-line reason. */
export function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0] ?? '';
}
