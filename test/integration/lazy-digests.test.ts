import { describe, expect, it } from 'vitest';
import { receivedDigest } from '../helpers/digests.js';
import { fixedClock, testApp } from '../helpers/env.js';
import { paperInput, topic } from '../helpers/factories.js';
import { freshSchema } from '../helpers/postgres.js';
import { postgresAvailable } from '../helpers/system.js';

const ENGINES = [
  { engine: 'SQLite', env: (): Record<string, string> => ({}), absent: false },
  { engine: 'PostgreSQL', env: (): Record<string, string> => freshSchema().env, absent: !postgresAvailable() },
];

const AT = new Date('2026-11-25T08:00:00Z');
// Odd characters in every field the templates escape, and enough papers for "more" and the lead.
const PAPERS = [
  paperInput({
    arxivId: '2411.00031',
    version: 1,
    title: 'Neural architecture search <b>bold</b> & "quoted" — ünïcödé 🚀',
    abstract: "NAS with a controller's <script>alert(1)</script> & ampersands. Second sentence here.",
  }),
  ...Array.from({ length: 14 }, (_, i) =>
    paperInput({
      arxivId: `2411.001${String(i).padStart(2, '0')}`,
      version: 1,
      title: `Neural architecture search variant ${i}: 'single' quotes & <tags>`,
      abstract: `Neural architecture search over space ${i}. Ampersand & less-than < survive.`,
    }),
  ),
];

describe.each(ENGINES)("a reader's own edition, rendered when read, on $engine", ({ env, absent }) => {
  it.skipIf(absent)(
    'is stored without HTML and reads back, in both layouts and as received, as the shared edition of the same papers rendered when frozen',
    async () => {
      const clock = fixedClock('2026-11-25T07:00:00Z');
      const app = await testApp({ clock, env: env() });
      await app.store.saveTopic(topic(), clock().toISOString());
      await app.store.upsertPapers(PAPERS, clock().toISOString());
      const shared = await app.digests.freeze({ slugs: ['nas'], kind: 'day', at: AT });
      // A reader with no ratings under the topic: their edition picks the same papers as the shared one.
      const own = await app.digests.freeze({
        slugs: ['nas'],
        kind: 'day',
        at: AT,
        reader: { id: 'sub_reader', ratings: new Map() },
      });
      if (shared.status === 'empty' || own.status === 'empty') throw new Error('expected two editions');
      expect(own.digest.paperIds).toEqual(shared.digest.paperIds);
      // Frozen as its view.
      expect(own.digest.view).toBeTruthy();

      const eager = (await app.store.getDigest(shared.digest.id))!;
      const lazy = (await app.store.getDigest(own.digest.id))!;
      // Its own address stands where the shared edition's does; everything else is the same.
      const same = (s: string) => s.replaceAll(own.digest.id, shared.digest.id);
      expect(same(lazy.html)).toBe(eager.html);
      expect(same(lazy.text)).toBe(eager.text);
      expect(same(lazy.compact!.html)).toBe(eager.compact!.html);
      expect(same(lazy.compact!.text)).toBe(eager.compact!.text);
      expect(lazy.subject).toBe(eager.subject);
      expect(lazy.html).toContain('&lt;script&gt;');
      // What the freeze returned reads rendered too: `paperboy digest --out` writes it.
      expect(same(own.digest.html)).toBe(eager.html);
      // Its entries (what a chat message lists), made from the view when read, are the same too.
      expect(same(JSON.stringify(lazy.entries))).toBe(JSON.stringify(eager.entries));

      const received = await receivedDigest(app, 'Neural architecture search', lazy);
      const expected = await receivedDigest(app, 'Neural architecture search', eager);
      expect(same(received.html)).toBe(expected.html);
      expect(same(received.text)).toBe(expected.text);
      expect(received.text).toContain('Neural architecture search <b>bold</b> & "quoted" — ünïcödé 🚀');
    },
  );
});
