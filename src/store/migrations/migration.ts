/**
 * One version of the schema, as SQL for each engine. Both make the same tables, columns, keys and
 * unique constraints (test/contract/migrations.test.ts compares them). PostgreSQL's text columns
 * use the "C" collation (byte order, as SQLite compares) and times stay ISO-8601 text, so that
 * both engines return the same rows in the same order through the ports. SQLite counts the
 * versions run in `PRAGMA user_version`, PostgreSQL in the schema_version table.
 */
export interface Migration {
  readonly sqlite: string;
  readonly postgres: string;
}
