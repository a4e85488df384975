// What an import must do on PostgreSQL besides writing the rows (the rest: sql/transfer.ts).

/** Logs and the run history were copied with their sequence numbers: new entries continue after them. */
export const CONTINUE_SEQUENCES = ['consent_log', 'bounces', 'runs']
  .map(
    (table) =>
      `SELECT setval(pg_get_serial_sequence('${table}', 'seq'), coalesce((SELECT max(seq) FROM ${table}), 0) + 1, false);`,
  )
  .join('\n');
