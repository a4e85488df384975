// The schema, one file per version, each with its SQLite and PostgreSQL text side by side (same
// tables, columns, keys and unique constraints on both; see migration.ts). Append new migrations,
// never edit one that has shipped.
import type { Migration } from './migration.js';
import m001 from './001-papers-topics-digests.js';
import m002 from './002-subscribers-consent-log.js';
import m003 from './003-deliveries-suppressions-bounces.js';
import m004 from './004-leases.js';
import m005 from './005-paper-facts-search-sources.js';
import m006 from './006-send-rate.js';
import m007 from './007-runs-plan-indexes-counters.js';
import m008 from './008-revised-papers.js';
import m009 from './009-digest-papers.js';
import m010 from './010-confirmation-deliveries.js';
import m011 from './011-topic-query-syntax.js';
import m012 from './012-drop-paper-search.js';
import m013 from './013-digest-layouts.js';
import m014 from './014-ratings.js';
import m015 from './015-personal-topics.js';
import m016 from './016-channels.js';
import m017 from './017-digest-views.js';
import m018 from './018-digest-paper-periods.js';
import m019 from './019-claims-in-row-order.js';

/** In order: a store at version n has run the first n. */
export const MIGRATIONS: readonly Migration[] = [
  m001,
  m002,
  m003,
  m004,
  m005,
  m006,
  m007,
  m008,
  m009,
  m010,
  m011,
  m012,
  m013,
  m014,
  m015,
  m016,
  m017,
  m018,
  m019,
];
