// Channels through the command line, as an operator uses them: add (the URL never printed back),
// list, test, the kill -9 policy for a post in flight, deliveries list, remove; and the OPML.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SAMPLE_PAGE, testApp } from '../helpers/env.js';
import { NODE_ARGS, paperboy, paperboyAsync } from '../helpers/cli.js';
import { TOPICS } from '../helpers/web.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';

const ENV = {
  PAPERBOY_SECRET: 'channels-cli-secret-0123456789abcdef',
  PUBLIC_URL: 'https://papers.example.org',
  MAIL_FROM: 'Paperboy <digest@papers.example.org>',
};

/** A data folder with the sample papers and two topics; returns the folder the CLI runs in. */
async function prepared(): Promise<{ cwd: string; app: Awaited<ReturnType<typeof testApp>> }> {
  const app = await testApp({ env: ENV });
  for (const t of TOPICS) await app.store.saveTopic(t, new Date().toISOString());
  await app.ingester.ingestFiles([SAMPLE_PAGE]);
  return { cwd: dirname(app.config.dataDir), app };
}

describe('paperboy channels', () => {
  it('adds, lists with the URL masked, tests, refuses bad input, removes', async () => {
    const receiver = await startWebhookReceiver((n) => (n === 1 ? { status: 404, body: 'no_such_hook' } : {}));
    const { cwd, app } = await prepared();
    await app.close();
    const url = receiver.url('/hooks/T9/B9/TopSecretToken');
    const add = paperboy(
      cwd,
      [
        'channels',
        'add',
        'lab',
        '--topic',
        'nas,llm-serving',
        '--url',
        url,
        '--format',
        'json',
        '--frequency',
        'weekly',
        '--hour',
        '9',
        '--tz',
        'Europe/Berlin',
      ],
      ENV,
    );
    expect(add.stderr).toBe('');
    expect(add.stdout).toMatch(
      /^added lab\tjson\tllm-serving,nas\tweekly 09:00 Europe\/Berlin\thttp:\/\/127\.0\.0\.1:\d+\/\*\*\*\tnext: \d{4}-\d\d-\d\dT0[78]:00:00\.000Z\tlast: none yet\n/,
    );
    expect(add.stdout).toMatch(/signing secret \(shown once.*\n(whsec_\S+)\n$/);
    expect(add.stdout).not.toContain('TopSecretToken');

    const list = paperboy(cwd, ['channels', 'list'], ENV);
    expect(list.stdout).toContain('lab\tjson\tllm-serving,nas\tweekly 09:00 Europe/Berlin\thttp://127.0.0.1:');
    expect(list.stdout).not.toContain('TopSecretToken');
    expect(list.stdout).not.toContain('whsec_');

    // Async: the receiver answers from this process.
    const ok = await paperboyAsync(cwd, ['channels', 'test', 'lab'], ENV);
    expect(ok.stdout).toMatch(/^posted to http:\/\/127\.0\.0\.1:\d+\/\*\*\*: HTTP 200: ok\n$/);
    const failing = await paperboyAsync(cwd, ['channels', 'test', 'lab'], ENV);
    expect(failing.status).toBe(1);
    expect(failing.stderr).toMatch(/^paperboy: http:\/\/127\.0\.0\.1:\d+\/\*\*\* answered HTTP 404: no_such_hook\n$/);
    expect(receiver.posts.map((p) => p.path)).toEqual(['/hooks/T9/B9/TopSecretToken', '/hooks/T9/B9/TopSecretToken']);

    const dup = paperboy(cwd, ['channels', 'add', 'lab', '--topic', 'nas', '--url', url, '--format', 'slack'], ENV);
    expect(dup.stderr).toBe('paperboy: a channel named "lab" exists: remove it first, or pick another name\n');
    const plain = paperboy(
      cwd,
      ['channels', 'add', 'x', '--topic', 'nas', '--url', 'http://hooks.example.org/T/secret', '--format', 'slack'],
      ENV,
    );
    expect(plain.stderr).toBe(
      'paperboy: invalid webhook URL (http://hooks.example.org/…): use https (http only to localhost)\n',
    );
    const topic = paperboy(
      cwd,
      ['channels', 'add', 'x', '--topic', 'nas,nope', '--url', url, '--format', 'teams'],
      ENV,
    );
    expect(topic.stderr).toBe('paperboy: unknown channel format "teams": use slack, discord, mattermost, json\n');
    const unknown = paperboy(
      cwd,
      ['channels', 'add', 'x', '--topic', 'nas,nope', '--url', url, '--format', 'slack'],
      ENV,
    );
    expect(unknown.stderr).toBe('paperboy: --topic: no public topic "nope" (see: paperboy topics list)\n');

    expect(paperboy(cwd, ['channels', 'remove', 'lab'], ENV).stdout).toBe('removed lab\n');
    expect(paperboy(cwd, ['channels', 'list'], ENV).stdout).toMatch(/^no channels \(add one: paperboy channels add/);
    expect(paperboy(cwd, ['channels', 'remove', 'lab'], ENV).stderr).toBe(
      'paperboy: no channel "lab" (see: paperboy channels list)\n',
    );
  });

  it('holds a post in flight when the process is killed, resends it only when asked, with the same Idempotency-Key', async () => {
    // The first post never gets an answer: the sender is killed while it waits.
    const receiver = await startWebhookReceiver((n) => (n === 0 ? { hang: true } : {}));
    const { cwd, app } = await prepared();
    const yesterday = new Date(Date.now() - 2 * 86_400_000).toISOString();
    await app.store.addChannel({
      id: 'chn_crash',
      name: 'lab',
      topicSet: 'nas',
      url: receiver.url('/hook/SecretPath'),
      format: 'slack',
      signingSecret: null,
      frequency: 'daily',
      timezone: 'UTC',
      sendHour: 0,
      createdAt: yesterday,
    });
    await app.close();

    const child = spawn(process.execPath, [...NODE_ARGS, 'send', '--wait', '0'], {
      cwd,
      env: { PATH: process.env.PATH, ...ENV },
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, signal) => resolve(signal)));
    await expect.poll(() => receiver.posts.length, { timeout: 30_000, interval: 10 }).toBe(1);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    // The next run finds the row in `sending` from a dead process: held, not posted again.
    const second = await paperboyAsync(cwd, ['send', '--wait', '0'], ENV);
    expect(second.status).toBe(0);
    expect(second.stdout).toContain('interrupted 1 (held: paperboy deliveries retry --interrupted)');
    expect(receiver.posts).toHaveLength(1);
    const listed = paperboy(cwd, ['deliveries', 'list'], ENV).stdout;
    expect(listed).toMatch(/^dlv_\S+\tfailed\tattempts=1\tchannel:lab\tinterrupted\tinterrupted while sending/);
    expect(listed).not.toContain('SecretPath');

    expect(paperboy(cwd, ['deliveries', 'retry', '--interrupted'], ENV).stdout).toBe('requeued 1\n');
    const third = await paperboyAsync(cwd, ['send', '--wait', '0'], ENV);
    expect(third.stdout).toMatch(/^sent 1, failed 0/);
    expect(receiver.posts).toHaveLength(2);
    expect(receiver.posts[1]!.headers['idempotency-key']).toBe(receiver.posts[0]!.headers['idempotency-key']);
    expect(paperboy(cwd, ['channels', 'list'], ENV).stdout).toMatch(/\tlast: sent /);
  });

  it('writes the OPML of every public feed', async () => {
    const { cwd, app } = await prepared();
    await app.close();
    const printed = paperboy(cwd, ['feed', '--opml'], ENV);
    expect(printed.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<opml version="2.0">/);
    const out = join(cwd, 'feeds.opml');
    expect(paperboy(cwd, ['feed', '--opml', '--out', out], ENV).stderr).toBe(`wrote ${out}\n`);
    const written = readFileSync(out, 'utf8');
    expect(written.replace(/<dateCreated>.*<\/dateCreated>/, '')).toBe(
      printed.stdout.replace(/<dateCreated>.*<\/dateCreated>/, ''),
    );
    expect(written).toContain('xmlUrl="https://papers.example.org/topics/nas/feed.xml"');
    expect(paperboy(cwd, ['feed', '--out', out], ENV).stderr).toBe('paperboy: --out goes with --opml\n');
  });
});
