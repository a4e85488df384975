import type { z } from 'zod';
import { InvalidInputError } from '../domain/errors.js';
import { SETTINGS, type SettingName, type SettingValues } from './declarations.js';
import type { Declaration, Default } from './setting.js';

export type Env = Record<string, string | undefined>;

/** Where a value came from: the environment, the declared default, or neither (unset). */
export type Source = 'env' | 'default' | 'unset';

export interface Settings {
  values: SettingValues;
  sources: Record<SettingName, Source>;
}

/** The declarations in table order, typed for walking. */
export const DECLARED = Object.entries(SETTINGS) as [SettingName, Declaration<unknown>][];

/** A value as `paperboy config` and `$NAME` in a default give it. */
export function valueText(name: SettingName, value: unknown): string {
  const { kind } = SETTINGS[name] as Declaration<unknown>;
  return kind.show ? kind.show(value) : String(value);
}

// A setting whose own value was refused: the defaults built on it are not tried (one error, not two).
class RefusedEarlier extends Error {}

function defaultRaw(fallback: Default, earlier: (name: string) => unknown): string {
  if (typeof fallback !== 'string') return fallback.choose(earlier);
  return fallback.replace(/\$([A-Z][A-Z0-9_]*)/g, (_, name: string) => valueText(name as SettingName, earlier(name)));
}

// Building a zod schema costs a hundred times more than using one: each is built once (per working
// directory, which the path settings resolve against), for the tests and tools that read settings often.
const schemas = new Map<string, z.ZodType<unknown, string>>();
function schemaOf(name: string, declaration: Declaration<unknown>, cwd: string): z.ZodType<unknown, string> {
  const key = `${name}\0${cwd}`;
  let schema = schemas.get(key);
  if (!schema) schemas.set(key, (schema = declaration.kind.schema(name, cwd)));
  return schema;
}

/**
 * Reads every declared setting from the environment (an empty variable counts as unset), each
 * parsed by its kind. Bad values are reported together, one message each, in table order.
 */
export function readSettings(env: Env, cwd: string): Settings {
  const values: Record<string, unknown> = {};
  const sources: Record<string, Source> = {};
  const refused = new Set<string>();
  const problems: string[] = [];
  const earlier = (name: string): unknown => {
    if (refused.has(name)) throw new RefusedEarlier();
    if (!(name in sources)) throw new Error(`a default names ${name}, which is not declared before it`);
    if (values[name] === undefined) throw new Error(`a default names ${name}, which has no default of its own`);
    return values[name];
  };
  for (const [name, declaration] of DECLARED) {
    const set = env[name];
    let raw: string | undefined;
    try {
      raw =
        set !== undefined && set !== ''
          ? set
          : declaration.default !== undefined
            ? defaultRaw(declaration.default, earlier)
            : undefined;
    } catch (err) {
      if (!(err instanceof RefusedEarlier)) throw err;
      refused.add(name);
      continue;
    }
    sources[name] = set !== undefined && set !== '' ? 'env' : raw !== undefined ? 'default' : 'unset';
    if (raw === undefined) {
      values[name] = undefined;
      continue;
    }
    const parsed = schemaOf(name, declaration, cwd).safeParse(raw);
    if (parsed.success) {
      values[name] = parsed.data;
    } else {
      refused.add(name);
      problems.push(parsed.error.issues[0]?.message ?? `${name} is not valid`);
    }
  }
  if (problems.length > 0) throw new InvalidInputError(problems.join('; '));
  return { values: values as SettingValues, sources: sources as Record<SettingName, Source> };
}
