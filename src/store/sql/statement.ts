// SQL written once for both engines. A statement names its parameters (`:name`); `sql` gives each
// engine its own placeholders (SQLite `@name`, PostgreSQL `$1`…) and puts in the few pieces that
// are spelled differently (the `Dialect` fragments below). Engine-specific statements live in the
// engine folders; everything here runs unchanged on both.

export type Engine = 'sqlite' | 'postgres';

/** A piece of SQL spelled differently per engine, put in place by `sql`. */
export interface Dialect {
  readonly sqlite: string;
  readonly postgres: string;
  /** Parameters this piece reads as JSON text on both engines. */
  readonly json?: readonly string[];
}

export interface Statement {
  readonly text: Readonly<Record<Engine, string>>;
  /** The parameters in PostgreSQL's `$n` order. */
  readonly names: readonly string[];
  /** Parameters passed as JSON text (see jsonRows); other arrays are lists (see inList). */
  readonly json: ReadonlySet<string>;
}

export const dialect = (sqlite: string, postgres: string): Dialect => ({ sqlite, postgres });

/** A SQL statement from a template whose `${…}` are shared text (column lists) or Dialect pieces. */
export function sql(strings: TemplateStringsArray, ...parts: (string | Dialect)[]): Statement {
  const join = (engine: Engine) =>
    strings.reduce((text, s, i) => {
      const part = parts[i - 1];
      return text + (typeof part === 'string' ? part : part![engine]) + s;
    });
  return perEngine(
    { sqlite: join('sqlite'), postgres: join('postgres') },
    parts.flatMap((p) => (typeof p === 'string' ? [] : (p.json ?? []))),
  );
}

/**
 * A statement whose two texts differ beyond a few pieces (a plan tuned to each engine): still one
 * set of named parameters, so the code that runs it is written once.
 */
function perEngine(text: Record<Engine, string>, json: readonly string[] = []): Statement {
  const sqliteNames: string[] = [];
  const sqlite = placeholders(text.sqlite, (name) => {
    sqliteNames.push(name);
    return `@${name}`;
  });
  const names: string[] = [];
  const postgres = placeholders(text.postgres, (name) => {
    let i = names.indexOf(name);
    if (i < 0) i = names.push(name) - 1;
    return `$${i + 1}`;
  });
  const missing = [...new Set(sqliteNames)]
    .filter((n) => !names.includes(n))
    .concat(names.filter((n) => !sqliteNames.includes(n)));
  if (missing.length > 0)
    throw new Error(`the engines' texts of a statement name different parameters: ${missing.join(', ')}`);
  return { text: { sqlite, postgres }, names, json: new Set(json) };
}

/** Replaces each `:name` outside quotes (not PostgreSQL's `::type` casts) with what `to` gives. */
function placeholders(text: string, to: (name: string) => string): string {
  // Quoted strings and identifiers are matched first and kept whole; `:name` only outside them.
  return text.replace(
    /'(?:[^']|'')*'|"(?:[^"]|"")*"|::|:([a-zA-Z_][a-zA-Z0-9_]*)/g,
    (match, name: string | undefined) => (name === undefined ? match : to(name)),
  );
}

// Pieces spelled differently per engine.

/** `column` is one of the list parameter `param` (an array): SQLite reads it as JSON, PostgreSQL as an array. */
export const inList = (column: string, param: string): Dialect =>
  dialect(`${column} IN (SELECT value FROM json_each(:${param}))`, `${column} = ANY(CAST(:${param} AS text[]))`);

/**
 * The rows of `param`, a JSON array of arrays (one a row, values in the order of `columns`), as a
 * table with those columns and `n`, the row's position. Many rows in one statement on both engines.
 */
export function jsonRows(
  param: string,
  columns: readonly string[],
  types: Readonly<Record<string, 'integer'>> = {},
): Dialect {
  const pg = columns.map((c, i) =>
    types[c] ? `CAST(r.value ->> ${i} AS ${types[c]}) AS ${c}` : `r.value ->> ${i} AS ${c}`,
  );
  return {
    sqlite: `(SELECT ${columns.map((c, i) => `value ->> ${i} AS ${c}`).join(', ')}, key AS n FROM json_each(:${param}))`,
    postgres: `(SELECT ${pg.join(', ')}, r.n FROM json_array_elements(CAST(:${param} AS json)) WITH ORDINALITY AS r(value, n))`,
    json: [param],
  };
}

/**
 * A join SQLite must do in the order written (its CROSS JOIN: the left side drives, the right side
 * is probed by its key); PostgreSQL plans joins well by itself and has no such spelling.
 */
export const JOIN_IN_ORDER = dialect('CROSS JOIN', 'JOIN');

/** Row locks that let concurrent workers pass each other (PostgreSQL); SQLite's writer is alone anyway. */
export const FOR_UPDATE_SKIP_LOCKED = dialect('', 'FOR UPDATE SKIP LOCKED');

/** The smaller of two values (SQLite's two-argument min, PostgreSQL's least). */
export const least = (a: string, b: string): Dialect => dialect(`min(${a}, ${b})`, `least(${a}, ${b})`);
