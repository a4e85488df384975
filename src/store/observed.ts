/**
 * The same store, calling `touched` when any of its methods (but those in `quiet`) is called and
 * again when the call settles. Caches of what the store holds use it to learn, without a query,
 * that this process may have changed something: every write goes through a method, so none is
 * missed, whatever its name. Reads count too, which only costs a cache one extra check.
 */
export function observeCalls<T extends object>(store: T, touched: () => void, quiet: ReadonlySet<string | symbol>): T {
  // Keyed by the function, not its name: a method replaced on the store is wrapped anew.
  const wrapped = new WeakMap<object, unknown>();
  return new Proxy(store, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function' || quiet.has(prop)) return value;
      let wrapper = wrapped.get(value);
      if (!wrapper) {
        wrapper = (...args: unknown[]) => {
          touched();
          let result: unknown;
          try {
            result = (value as (...a: unknown[]) => unknown).apply(target, args);
          } catch (err) {
            touched();
            throw err;
          }
          // After the write commits, a read made before it may have been trusted: touch again.
          if (result instanceof Promise) return result.finally(touched);
          touched();
          return result;
        };
        wrapped.set(value, wrapper);
      }
      return wrapper;
    },
  });
}
