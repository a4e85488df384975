import type { Kind } from './kinds.js';

/** Sections of the configuration table, in the order they are shown. */
export type Group = 'Store' | 'Web' | 'Sign-ups' | 'Personal topics' | 'Digests' | 'Email' | 'Delivery' | 'Sources';

/** The value of another setting (declared before this one), for a default that depends on it. */
export type Earlier = (name: string) => unknown;

/**
 * A default written as the environment would give it, and parsed as such. In text, `$NAME` stands
 * for the value of the setting NAME, declared before. A default that is a choice is a function,
 * with the words the configuration table shows for it.
 */
export type Default = string | { choose: (earlier: Earlier) => string; shown: string };

export interface Declaration<T> {
  group: Group;
  kind: Kind<T>;
  /** Absent: the setting is unset unless the environment sets it. */
  default?: Default;
  /** Said after the default in the table: `6 h`, or what unset means (`generated on first run`). */
  defaultNote?: string;
  /** One line for the configuration table. */
  doc: string;
  /** Shown as *** by `paperboy config`. Values that are URLs are masked anyway (see maskUrl). */
  secret?: boolean;
}

/** A setting with a default always has a value; one without may be unset. */
export function setting<T>(declaration: Declaration<T> & { default: Default }): Declaration<T>;
export function setting<T>(declaration: Declaration<T>): Declaration<T | undefined>;
export function setting<T>(declaration: Declaration<T>): Declaration<T> {
  return declaration;
}

export type ValueOf<D> = D extends Declaration<infer T> ? T : never;
