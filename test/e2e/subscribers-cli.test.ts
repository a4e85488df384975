import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { createServer } from '../../src/web/server.js';
import { freePort, tempDir } from '../helpers/env.js';
import { paperboy, paperboyAsync } from '../helpers/cli.js';
import { freshSchema } from '../helpers/postgres.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { postgresAvailable } from '../helpers/system.js';

function setup() {
  const cwd = tempDir();
  paperboy(cwd, ['topics', 'add', 'nas', '"neural architecture search" OR NAS']);
  paperboy(cwd, ['topics', 'add', 'llm-serving', '"LLM serving"']);
  return cwd;
}
const outbox = (cwd: string) => readdirSync(join(cwd, 'data', 'outbox')).filter((f) => f.endsWith('.eml'));

describe('paperboy subscribers', () => {
  it('adds with or without --confirmed; without, the address gets the opt-in email', () => {
    const cwd = setup();
    expect(
      paperboy(cwd, [
        'subscribers',
        'add',
        'Ada@Example.org',
        '--topics',
        'nas,llm-serving',
        '--tz',
        'Europe/Berlin',
        '--hour',
        '7',
      ]).stdout,
    ).toBe('ada@example.org: pending: confirmation email sent\n');
    expect(outbox(cwd)).toHaveLength(1);
    expect(paperboy(cwd, ['subscribers', 'add', 'bob@example.org', '--topics', 'nas', '--confirmed']).stdout).toBe(
      'bob@example.org: confirmed\n',
    );
    expect(outbox(cwd)).toHaveLength(1);
    expect(paperboy(cwd, ['subscribers', 'list']).stdout).toBe(
      'ada@example.org\tpending\tllm-serving,nas\tdaily\tEurope/Berlin\t7\nbob@example.org\tconfirmed\tnas\tdaily\tUTC\t8\n',
    );
    const bad = paperboy(cwd, ['subscribers', 'add', 'x@example.org', '--topics', 'nas', '--tz', 'Nowhere']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe('paperboy: unknown time zone "Nowhere": use an IANA name such as Europe/Berlin or UTC\n');
    expect(paperboy(cwd, ['subscribers', 'add', 'x@example.org', '--topics', 'nas', '--hour', '25']).status).toBe(1);
  });

  it('imports a CSV in one go, refuses confirmed rows without --confirmed, and exports state and consent times', () => {
    const cwd = setup();
    const csv = join(cwd, 'list.csv');
    writeFileSync(
      csv,
      'email,topics,frequency,timezone,hour,status,layout\ncarol@example.org,nas;llm-serving,weekly,Asia/Tokyo,6,,compact\ndan@example.org,nas,,,,confirmed,\n',
    );
    const refused = paperboy(cwd, ['subscribers', 'import', csv]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe(
      `paperboy: ${csv}:3: dan@example.org is marked confirmed: pass --confirmed to vouch for the consent of confirmed rows (field status)\n`,
    );
    expect(paperboy(cwd, ['subscribers', 'list']).stdout).toBe('');

    const imported = paperboy(cwd, ['subscribers', 'import', csv, '--confirmed']);
    expect(imported.stdout).toBe('added 2, updated 0, skipped 0 (unsubscribed or suppressed), confirmation emails 0\n');

    const bad = join(cwd, 'bad.csv');
    writeFileSync(bad, 'email,topics\nok@example.org,nas\nnot-an-address,nas\n');
    expect(paperboy(cwd, ['subscribers', 'import', bad]).stderr).toBe(
      `paperboy: ${bad}:3: "not-an-address" is not an email address (field email)\n`,
    );
    writeFileSync(bad, 'address,topics\nok@example.org,nas\n');
    expect(paperboy(cwd, ['subscribers', 'import', bad]).stderr).toBe(
      `paperboy: ${bad}:1: the header has no "email" column (field email)\n`,
    );

    const exported = paperboy(cwd, ['subscribers', 'export']).stdout.split('\n');
    expect(exported[0]).toBe(
      'email,status,topics,frequency,timezone,hour,layout,created_at,subscribed_at,confirmed_at,unsubscribed_at,personal_topics,ratings',
    );
    expect(exported[1]).toMatch(
      /^carol@example\.org,confirmed,llm-serving;nas,weekly,Asia\/Tokyo,6,compact,\S+,\S+,\S+,,,0$/,
    );
    expect(exported[2]).toMatch(/^dan@example\.org,confirmed,nas,daily,UTC,8,full,/);
    const json = JSON.parse(paperboy(cwd, ['subscribers', 'export', '--json']).stdout) as {
      email: string;
      consent: { type: string; source: string }[];
    }[];
    expect(json[1]).toMatchObject({ email: 'dan@example.org', consent: [{ type: 'import', source: 'csv-import' }] });

    // The export imports again into a fresh store.
    const other = setup();
    const round = join(other, 'export.csv');
    writeFileSync(round, exported.join('\n'));
    expect(paperboy(other, ['subscribers', 'import', round, '--confirmed']).stdout).toMatch(/^added 2,/);
    expect(paperboy(other, ['subscribers', 'list']).stdout).toBe(paperboy(cwd, ['subscribers', 'list']).stdout);
    expect(paperboy(other, ['subscribers', 'export']).stdout.split('\n')[1]).toContain(',6,compact,');

    // A row that says a confirmed subscriber unsubscribed is honoured, and no import brings them back.
    writeFileSync(csv, 'email,topics,status\ndan@example.org,nas,unsubscribed\n');
    expect(paperboy(cwd, ['subscribers', 'import', csv]).stdout).toMatch(/^added 0, updated 1, skipped 0 /);
    writeFileSync(csv, 'email,topics,status\ndan@example.org,nas,confirmed\n');
    expect(paperboy(cwd, ['subscribers', 'import', csv, '--confirmed']).stdout).toMatch(
      /^added 0, updated 0, skipped 1 /,
    );
    expect(paperboy(cwd, ['subscribers', 'export']).stdout.split('\n')[2]).toMatch(/^dan@example\.org,unsubscribed,/);
    // A dozen CLI runs, each a fresh process: slower than one test's default budget on a busy machine.
  }, 90_000);

  it('erases an address on request: nothing of it is left but its suppression, and it is never mailed again', () => {
    const cwd = setup();
    paperboy(cwd, ['subscribers', 'add', 'ada@example.org', '--topics', 'nas', '--confirmed']);
    paperboy(cwd, ['subscribers', 'add', 'bob@example.org', '--topics', 'nas', '--confirmed']);
    expect(paperboy(cwd, ['subscribers', 'erase', ' Ada@Example.org']).stdout).toBe(
      'ada@example.org: erased; the address stays suppressed\n',
    );
    expect(paperboy(cwd, ['subscribers', 'list']).stdout).not.toContain('ada@example.org');
    expect(paperboy(cwd, ['suppressions', 'list']).stdout).toMatch(
      /^ada@example\.org\terased\t\S+\tthe reader deleted their data\n$/,
    );
    const json = JSON.parse(paperboy(cwd, ['subscribers', 'export', '--json']).stdout) as { email: string }[];
    expect(json.map((r) => r.email)).toEqual(['bob@example.org']);
    // Signed up again by the operator, it gets no opt-in email (nor was any sent before: both were
    // added confirmed), and the operator is told why, with or without --confirmed.
    for (const confirmed of [[], ['--confirmed']]) {
      const added = paperboy(cwd, ['subscribers', 'add', 'Ada@example.org', '--topics', 'nas', ...confirmed]);
      expect([added.status, added.stdout, added.stderr]).toEqual([
        1,
        '',
        'paperboy: ada@example.org is on the suppression list and cannot be added\n',
      ]);
    }
    expect(existsSync(join(cwd, 'data', 'outbox')) ? outbox(cwd) : []).toEqual([]);
    const again = paperboy(cwd, ['subscribers', 'erase', 'ada@example.org']);
    expect(again.status).toBe(1);
    expect(again.stderr).toBe('paperboy: ada@example.org is not a subscriber\n');
  }, 60_000);

  it('sends the opt-in email to imported rows without a status', () => {
    const cwd = setup();
    const csv = join(cwd, 'list.csv');
    writeFileSync(csv, 'email,topics\nerin@example.org,nas\n');
    expect(paperboy(cwd, ['subscribers', 'import', csv]).stdout).toContain('confirmation emails 1');
    expect(outbox(cwd)).toHaveLength(1);
    expect(paperboy(cwd, ['subscribers', 'list']).stdout).toContain('erin@example.org\tpending');
  });
});

describe('paperboy subscribers and suppressions: one form of an address', () => {
  it('refuses hidden characters with exit 1 and the reason, and takes variants as the one address', () => {
    const cwd = setup();
    const add = (email: string, ...more: string[]) =>
      paperboy(cwd, ['subscribers', 'add', email, '--topics', 'nas', ...more]);
    for (const [email, reason] of [
      ['victim\x02@example.org', 'a control character (U+0002)'],
      ['\u202evictim@example.org', 'an invisible character (U+202E)'],
    ]) {
      const refused = add(email!);
      expect(refused.status, JSON.stringify(email)).toBe(1);
      expect(refused.stderr).toBe(`paperboy: an email address cannot contain ${reason}\n`);
    }
    expect(add('User@Müller.DE', '--confirmed').stdout).toBe('user@xn--mller-kva.de: confirmed\n');
    expect(add(' user@xn--mller-kva.de\u00a0').stdout).toBe(
      'user@xn--mller-kva.de: unchanged: the address is already confirmed\n',
    );

    expect(paperboy(cwd, ['suppressions', 'add', 'Victim@EXAMPLE.org ']).stdout).toBe(
      'suppressed victim@example.org\n',
    );
    const hidden = paperboy(cwd, ['suppressions', 'add', 'vic\ufefftim@example.org']);
    expect([hidden.status, hidden.stderr]).toEqual([
      1,
      'paperboy: an email address cannot contain an invisible character (U+FEFF)\n',
    ]);
    expect(add('VICTIM@example.org\u00a0').stderr).toBe(
      'paperboy: victim@example.org is on the suppression list and cannot be added\n',
    );
    expect(add('victim@example.org', '--confirmed').stderr).toBe(
      'paperboy: victim@example.org is on the suppression list and cannot be added\n',
    );
    expect(existsSync(join(cwd, 'data', 'outbox')) ? outbox(cwd) : []).toEqual([]);
    expect(paperboy(cwd, ['subscribers', 'list']).stdout).toBe(
      'user@xn--mller-kva.de\tconfirmed\tnas\tdaily\tUTC\t8\n',
    );
  }, 120_000);

  it('imports a CSV only when every address is one, naming the line of the first that is not', () => {
    const cwd = setup();
    paperboy(cwd, ['suppressions', 'add', 'victim@example.org']);
    const csv = join(cwd, 'list.csv');
    writeFileSync(csv, 'email,topics\nada@example.org,nas\nbob\u200b@example.org,nas\n');
    const zeroWidth = paperboy(cwd, ['subscribers', 'import', csv, '--confirmed']);
    expect([zeroWidth.status, zeroWidth.stderr]).toEqual([
      1,
      `paperboy: ${csv}:3: an email address cannot contain an invisible character (U+200B) (field email)\n`,
    ]);
    writeFileSync(csv, 'email,topics\nada@example.org,nas\n"eve\x02@example.org",nas\n');
    expect(paperboy(cwd, ['subscribers', 'import', csv, '--confirmed']).stderr).toBe(
      `paperboy: ${csv}:3: an email address cannot contain a control character (U+0002) (field email)\n`,
    );
    writeFileSync(csv, 'email,topics\nada@example.org,nas\nAda@EXAMPLE.org,nas\n');
    expect(paperboy(cwd, ['subscribers', 'import', csv, '--confirmed']).stderr).toBe(
      `paperboy: ${csv}:3: ada@example.org appears twice (field email)\n`,
    );
    expect(paperboy(cwd, ['subscribers', 'list']).stdout).toBe('');

    writeFileSync(csv, 'email,topics\nAda@Example.org,nas\nuser@müller.de,nas\nVictim@Example.ORG,nas\n');
    expect(paperboy(cwd, ['subscribers', 'import', csv, '--confirmed']).stdout).toBe(
      'added 2, updated 0, skipped 1 (unsubscribed or suppressed), confirmation emails 0\n',
    );
    expect(paperboy(cwd, ['subscribers', 'list']).stdout).toBe(
      'ada@example.org\tconfirmed\tnas\tdaily\tUTC\t8\nuser@xn--mller-kva.de\tconfirmed\tnas\tdaily\tUTC\t8\n',
    );
  }, 120_000);
});

describe('paperboy schedule', () => {
  it('prints the next sends in UTC and local time', () => {
    const cwd = setup();
    paperboy(cwd, [
      'subscribers',
      'add',
      'ada@example.org',
      '--topics',
      'nas',
      '--tz',
      'Asia/Kolkata',
      '--hour',
      '9',
      '--confirmed',
    ]);
    paperboy(cwd, [
      'subscribers',
      'add',
      'bob@example.org',
      '--topics',
      'nas',
      '--tz',
      'Europe/Berlin',
      '--frequency',
      'weekly',
      '--confirmed',
    ]);
    const run = paperboy(cwd, ['schedule', '--at', '2026-11-25T01:00:00Z']);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      [
        '2026-11-25T03:30:00Z\t2026-11-25 09:00 Asia/Kolkata\tada@example.org\tdaily\t2026-11-25\tnas',
        // Bob's week 48 went out on Monday, before he confirmed: his first digest is week 49's.
        '2026-11-30T07:00:00Z\t2026-11-30 08:00 Europe/Berlin\tbob@example.org\tweekly\t2026-W49\tnas',
        '',
      ].join('\n'),
    );
  });
});

const engines = [
  { name: 'SQLite', env: (): Record<string, string> => ({}) },
  ...(postgresAvailable() ? [{ name: 'PostgreSQL', env: (): Record<string, string> => freshSchema().env }] : []),
];

describe.each(engines)('paperboy subscribers import while the SMTP relay is down ($name)', ({ env }) => {
  it('queues the opt-in emails; the next send delivers exactly one to each pending address, and its link confirms', async () => {
    const cwd = tempDir();
    const port = await freePort(); // nothing listens there yet: the relay is down
    const environment = {
      ...env(),
      SMTP_URL: `smtp://127.0.0.1:${port}`,
      DELIVERY_BACKOFF_MS: '100',
      PUBLIC_URL: 'https://papers.example.org',
      MAIL_FROM: 'Paperboy <digest@papers.example.org>',
    };
    const run = (args: string[]) => paperboyAsync(cwd, args, environment);
    expect((await run(['topics', 'add', 'nas', 'NAS'])).status).toBe(0);
    const csv = join(cwd, 'list.csv');
    writeFileSync(csv, 'email,topics\nann@example.org,nas\nbo@example.org,nas\ncy@example.org,nas\n');

    const imported = await run(['subscribers', 'import', csv]);
    expect(imported.status).toBe(0);
    expect(imported.stdout).toBe(
      'added 3, updated 0, skipped 0 (unsubscribed or suppressed), confirmation emails 0; ' +
        '3 queued: the relay did not take them yet; paperboy send (or a running worker or serve) sends them\n',
    );

    const sink = await startSmtpSink({ port });
    onTestFinished(() => sink.close());
    const sent = await run(['send', '--wait', '10']);
    expect(sent.stdout).toBe('sent 3, failed 0, skipped 0, suppressed 0\n');
    expect((await run(['send', '--wait', '0'])).stdout).toBe('sent 0, failed 0, skipped 0, suppressed 0\n');
    const once = new Map([
      ['ann@example.org', 1],
      ['bo@example.org', 1],
      ['cy@example.org', 1],
    ]);
    expect(sink.countsByRecipient()).toEqual(once);

    // The operator sends Cy's again: a new link, and the first one no longer works.
    expect((await run(['subscribers', 'resend-confirmation', 'cy@example.org'])).stdout).toBe(
      'cy@example.org: confirmation email sent\n',
    );
    expect(sink.countsByRecipient().get('cy@example.org')).toBe(2);

    // Each newest link confirms, through the web app on the same store.
    const app = await createApp(loadConfig(environment, cwd), { logger: silentLogger });
    onTestFinished(() => app.close());
    const server = createServer(app);
    const base = await server.listen({ port: 0, host: '127.0.0.1' });
    onTestFinished(() => server.close());
    const links = new Map<string, string[]>();
    for (const m of sink.messages) {
      const path = new URL(/https:\/\/papers\.example\.org\/confirm\/[\w-]+/.exec(m.mail.text ?? '')![0]).pathname;
      links.set(m.envelopeTo[0]!, [...(links.get(m.envelopeTo[0]!) ?? []), path]);
    }
    expect((await fetch(`${base}${links.get('cy@example.org')![0]}`, { method: 'POST' })).status).toBe(404);
    for (const paths of links.values()) {
      const res = await fetch(`${base}${paths.at(-1)}`, { method: 'POST' });
      expect(await res.text()).toContain('You are subscribed');
    }
    expect((await app.store.listSubscribers()).map((s) => [s.email, s.status])).toEqual([
      ['ann@example.org', 'confirmed'],
      ['bo@example.org', 'confirmed'],
      ['cy@example.org', 'confirmed'],
    ]);
  }, 240_000);
});
