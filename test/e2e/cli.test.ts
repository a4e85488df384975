import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { FIXTURES, SAMPLE_PAGE, tempDir } from '../helpers/env.js';
import { paperboy } from '../helpers/cli.js';

/** What `topics add` says before saving when no paper was first seen in the last 30 days. */
const UNTRIED = 'no papers from the last 30 days to try the query on\n';

describe('paperboy CLI', () => {
  it('ingests the sample page idempotently and reports the counts', () => {
    const cwd = tempDir();
    const first = paperboy(cwd, ['ingest', SAMPLE_PAGE]);
    expect(first.stderr).not.toMatch(/paperboy:/);
    expect(first.status).toBe(0);
    expect(first.stdout).toBe(`${SAMPLE_PAGE}: 103 papers\nadded 103, updated 0, unchanged 0\n`);
    const second = paperboy(cwd, ['ingest', SAMPLE_PAGE]);
    expect(second.stdout).toContain('added 0, updated 0, unchanged 103');
    expect(existsSync(join(cwd, 'data', 'paperboy.db'))).toBe(true);
    const listed = JSON.parse(paperboy(cwd, ['papers', '--json']).stdout) as unknown[];
    expect(listed).toHaveLength(103);
    // One paper is "1 paper".
    const one = join(cwd, 'one.json');
    writeFileSync(one, JSON.stringify({ papers: [{ title: 'A single paper', abstract: 'Alone in its file.' }] }));
    expect(paperboy(cwd, ['ingest', one]).stdout).toBe(`${one}: 1 paper\nadded 1, updated 0, unchanged 0\n`);
  });

  it('fails on a truncated page with one line naming file and line, and stores nothing', () => {
    const cwd = tempDir();
    const cut = join(cwd, 'cut.txt');
    const lines = readFileSync(SAMPLE_PAGE, 'utf8').split('\n');
    writeFileSync(cut, lines.slice(0, -1).join('\n'));
    const run = paperboy(cwd, ['ingest', cut]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `paperboy: ${cut}:419: the paper "PockEngine: Sparse and Efficient Fine-tuning in a Pocket" has no abstract: the page looks truncated (field abstract)\n`,
    );
    expect(JSON.parse(paperboy(cwd, ['papers', '--json']).stdout)).toEqual([]);
  });

  it('fails on a truncated, deeply nested XML file with one short line', () => {
    const cwd = tempDir();
    const deep = join(cwd, 'deep.xml');
    writeFileSync(
      deep,
      `<?xml version="1.0"?>\n<rss version="2.0"><channel><item><description>\n${'<div>'.repeat(100_000)}cut`,
    );
    const run = paperboy(cwd, ['ingest', deep]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `paperboy: ${deep}:3: the document ends inside <div>, with <rss>, <channel>, … 100000 more …, <div>, <div> never closed: a truncated download?\n`,
    );
  });

  it('stores what is certain of flawed sources, and says on stderr what it left out or could not read', () => {
    const cwd = tempDir();
    // The sample page with one abstract deleted and a stray line before the next paper's abstract.
    const lines = readFileSync(SAMPLE_PAGE, 'utf8').split('\n');
    const edited = join(cwd, 'edited.txt');
    writeFileSync(
      edited,
      [...lines.slice(0, 52), ...lines.slice(54, 56), 'Upvote 42', '', ...lines.slice(56)].join('\n'),
    );
    // A page saved as Latin-1: its accents are not UTF-8.
    const latin1 = join(cwd, 'latin1.txt');
    writeFileSync(
      latin1,
      Buffer.from(
        readFileSync(`${FIXTURES}sources/daily-page.txt`, 'utf8').replace(
          'Quiet Reasoning',
          'Quiet Reasoning à la Zürich',
        ),
        'latin1',
      ),
    );
    const run = paperboy(cwd, ['ingest', edited, latin1]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(`^${edited}: 101 papers \\(1 warning\\); ${latin1}: \\d+ papers \\(1 warning\\)\nadded \\d+,`),
    );
    // (The log's JSON lines go to stderr too.)
    expect(run.stderr.split('\n').filter((l) => !l.startsWith('{'))).toEqual([
      expect.stringMatching(
        new RegExp(
          `^paperboy: warning: ${edited}:51: 3 title lines in a row \\(lines 51, 53, 55\\) before the abstract at line 57: .*; 4 lines skipped, no paper stored from them$`,
        ),
      ),
      `paperboy: warning: ${latin1}: 2 characters could not be read as UTF-8 and became "\uFFFD", the first at line 11, column 17 (an encoding the source does not declare?)`,
      '',
    ]);
    const titles = (JSON.parse(paperboy(cwd, ['papers', '--json']).stdout) as { title: string }[]).map((p) => p.title);
    expect(titles).not.toContain(lines[50]);
    expect(titles).not.toContain('Upvote 42');
  });

  it('refuses an empty file, an unknown format and a missing file, one line each', () => {
    const cwd = tempDir();
    const empty = join(cwd, 'empty.txt');
    writeFileSync(empty, '');
    const cases: [string[], RegExp][] = [
      [['ingest', empty], /^paperboy: .*empty\.txt: the file is empty\n$/],
      [
        ['ingest', '--format', 'csv', SAMPLE_PAGE],
        /^paperboy: unknown format "csv": use one of auto, daily-page, json, hf-daily, arxiv-atom, arxiv-rss, rss, atom\n$/,
      ],
      [['ingest', join(cwd, 'missing.txt')], /^paperboy: .*missing\.txt: cannot read: no such file\n$/],
      [
        ['ingest', '--format', 'json', SAMPLE_PAGE],
        /^paperboy: .*daily-papers-2024-03-21\.txt:1: invalid JSON \(InvalidSymbol\)\n$/,
      ],
    ];
    for (const [args, expected] of cases) {
      const run = paperboy(cwd, args);
      expect(run.status, args.join(' ')).toBe(1);
      expect(run.stderr).toMatch(expected);
    }
  });

  it('adds, lists and removes topics, and refuses bad ones', () => {
    const cwd = tempDir();
    // No papers yet: nothing to try a query on, and nothing holds the topic back.
    expect(paperboy(cwd, ['topics', 'add', 'llm-serving', '"LLM serving" OR "language model" serving']).stdout).toBe(
      `${UNTRIED}added llm-serving: LLM serving = "LLM serving" OR "language model" serving\n`,
    );
    expect(paperboy(cwd, ['topics', 'list']).stdout).toBe(
      'llm-serving\tLLM serving\t"LLM serving" OR "language model" serving\n',
    );
    // An existing slug is refused, not overwritten; --replace changes its query and keeps its name.
    const again = paperboy(cwd, ['topics', 'add', 'llm-serving', 'llm']);
    expect(again.status).toBe(1);
    expect(again.stderr).toBe(
      'paperboy: topic "llm-serving" exists (LLM serving = "LLM serving" OR "language model" serving): add --replace to change it\n',
    );
    expect(paperboy(cwd, ['topics', 'add', 'llm-serving', '"LLM serving" OR vLLM', '--replace']).stdout).toBe(
      `${UNTRIED}updated llm-serving: LLM serving = "LLM serving" OR vLLM\n`,
    );
    // A query that starts with an excluded word needs -- before it, and the error says so.
    const dashed = paperboy(cwd, ['topics', 'add', 'tq', '-survey nas']);
    expect(dashed.status).toBe(1);
    expect(dashed.stderr).toBe(
      "paperboy: unknown option '-survey nas': a query that starts with an excluded word goes after --, e.g. paperboy topics add tq -- '-survey nas'\n",
    );
    expect(paperboy(cwd, ['topics', 'add', 'tq', '--', '-survey nas']).stdout).toBe(
      `${UNTRIED}added tq: Nas = -survey nas\n`,
    );
    const badSlug = paperboy(cwd, ['topics', 'add', 'LLM Serving', 'llm']);
    expect(badSlug.status).toBe(1);
    expect(badSlug.stderr).toMatch(/^paperboy: invalid topic slug "LLM Serving"/);
    const badQuery = paperboy(cwd, ['topics', 'add', 'x', '"unclosed']);
    expect(badQuery.stderr).toMatch(/unclosed quote/);
    expect(paperboy(cwd, ['topics', 'remove', 'llm-serving']).stdout).toBe('removed llm-serving\n');
    expect(paperboy(cwd, ['topics', 'remove', 'llm-serving']).status).toBe(1);
  });

  it('names a topic from a long query to fit, and refuses a --name too long saying what to do', () => {
    const cwd = tempDir();
    const long =
      'sparse mixture of experts routing for efficient large language model inference on commodity GPUs with speculative decoding';
    const named =
      'Sparse mixture of experts routing for efficient large language model inference on commodity GPUs with speculative…';
    expect(paperboy(cwd, ['topics', 'add', 'moe', long]).stdout).toBe(`${UNTRIED}added moe: ${named} = ${long}\n`);
    const tooLong = paperboy(cwd, ['topics', 'add', 'moe2', 'moe', '--name', 'x'.repeat(121)]);
    expect(tooLong.status).toBe(1);
    expect(tooLong.stderr).toBe(
      'paperboy: a topic name is at most 120 characters (this one has 121): give a shorter name, or none to take one from the query\n',
    );
  });

  it("shows what a topic matches among the last 30 days' papers before saving it, and saves one that matches nothing only with --force", () => {
    const cwd = tempDir();
    paperboy(cwd, ['ingest', SAMPLE_PAGE]);
    const titles = new Set(
      (JSON.parse(paperboy(cwd, ['papers', '--json']).stdout) as { title: string }[]).map((p) => p.title),
    );

    // Trying a query saves nothing.
    const tried = paperboy(cwd, ['topics', 'preview', 'neural architecture search']);
    expect(tried.stderr).toBe('');
    expect(tried.status).toBe(0);
    const lines = tried.stdout.trimEnd().split('\n');
    const count = Number(/^matches (\d+) of 103 papers from the last 30 days; the first 5:$/.exec(lines[0] ?? '')?.[1]);
    expect(count).toBeGreaterThan(5);
    // Five papers, each a title then its score and why.
    expect(lines).toHaveLength(11);
    for (let i = 0; i < 5; i++) {
      const [, n, title] = /^ {2}(\d)\. (.+)$/.exec(lines[1 + 2 * i] ?? '') ?? [];
      expect(n).toBe(String(i + 1));
      expect(titles.has(title ?? '')).toBe(true);
      expect(lines[2 + 2 * i]).toMatch(/^ {5}[01]\.\d\d · matches .*\b(neural|architecture|search)\b/);
    }
    const json = JSON.parse(paperboy(cwd, ['topics', 'preview', 'neural architecture search', '--json']).stdout) as {
      matches: number;
      first: { title: string }[];
    };
    expect(json.matches).toBe(count);
    expect(json.first.map((p) => p.title)).toEqual(
      lines.filter((_, i) => i % 2 === 1).map((l) => l.replace(/^ {2}\d\. /, '')),
    );
    expect(paperboy(cwd, ['topics', 'list']).stdout).toBe('');

    // Adding shows the same preview, then saves.
    const added = paperboy(cwd, ['topics', 'add', 'nas', 'neural architecture search']);
    expect(added.status).toBe(0);
    expect(added.stdout).toBe(`${tried.stdout}added nas: Neural architecture search = neural architecture search\n`);

    // A query that matches nothing is refused, naming the words no paper has.
    const refused = paperboy(cwd, ['topics', 'add', 'plants', 'photosynthesis OR "chlorophyll fluorescence"']);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(
      'paperboy: topic "plants" matches none of the 103 papers from the last 30 days: no paper has photosynthesis or "chlorophyll fluorescence"; add --force to save it anyway\n',
    );
    expect(paperboy(cwd, ['topics', 'list']).stdout).toBe(
      'nas\tNeural architecture search\tneural architecture search\n',
    );
    const tryIt = paperboy(cwd, ['topics', 'preview', 'photosynthesis']);
    expect([tryIt.status, tryIt.stdout]).toEqual([
      0,
      'matches none of the 103 papers from the last 30 days\nno paper has photosynthesis\n',
    ]);

    // --force saves it anyway, with the warning.
    const forced = paperboy(cwd, [
      'topics',
      'add',
      'plants',
      'photosynthesis OR "chlorophyll fluorescence"',
      '--force',
    ]);
    expect(forced.status).toBe(0);
    expect(forced.stderr).toBe(
      'paperboy: warning: topic "plants" matches none of the 103 papers from the last 30 days: no paper has photosynthesis or "chlorophyll fluorescence"; saved anyway (--force)\n',
    );
    expect(forced.stdout).toBe('added plants: Photosynthesis = photosynthesis OR "chlorophyll fluorescence"\n');
    // --replace is previewed too, and keeps the name.
    const replaced = paperboy(cwd, ['topics', 'add', 'plants', 'neural architecture search', '--replace']);
    expect(replaced.stdout).toBe(`${tried.stdout}updated plants: Photosynthesis = neural architecture search\n`);
  });

  it('writes a topic digest as html, text and a parseable .eml', async () => {
    const cwd = tempDir();
    paperboy(cwd, ['ingest', SAMPLE_PAGE]);
    paperboy(cwd, ['topics', 'add', 'nas', '"neural architecture search" OR NAS']);
    const out = join(cwd, 'out');
    const run = paperboy(cwd, ['digest', '--topic', 'nas', '--out', out, '--to', 'Ada@Example.org'], {
      PUBLIC_URL: 'https://papers.example.org',
    });
    expect(run.stderr).not.toMatch(/paperboy:/);
    // The sample page is dated 21 March 2024: its papers are not called new.
    expect(run.stdout).toMatch(
      /^digest \d{4}-\d{2}-\d{2}-[\w-]+ \(created\): Neural architecture search: \d+ papers from 21 Mar 2024 · /,
    );
    const html = readFileSync(join(out, 'digest.html'), 'utf8');
    expect(Buffer.byteLength(html)).toBeLessThan(100 * 1024);
    expect(html).not.toContain('{{');
    expect(html).toContain('BigNAS: Scaling Up Neural Architecture Search');
    const mail = await simpleParser(readFileSync(join(out, 'digest.eml')));
    expect(mail.to && 'value' in mail.to ? mail.to.value[0]?.address : '').toBe('ada@example.org');
    expect(mail.text).toBe(readFileSync(join(out, 'digest.txt'), 'utf8'));
    expect(mail.html).toContain('https://papers.example.org/unsubscribe/');

    const again = paperboy(cwd, ['digest', '--topic', 'nas']);
    expect(again.stdout).toMatch(/\(existing\)/);
    const none = paperboy(cwd, ['digest', '--topic', 'nas', '--at', '2030-01-01T08:00:00Z']);
    expect(none.stdout).toBe('no new papers for nas in 2030-01-01: no digest (nothing written)\n');
    expect(paperboy(cwd, ['digest', '--topic', 'nope']).stderr).toBe(
      'paperboy: no topic "nope" (see: paperboy topics list)\n',
    );
    expect(paperboy(cwd, ['digest', '--topic', 'nas', '--at', 'tomorrow']).stderr).toMatch(
      /^paperboy: invalid time "tomorrow"/,
    );
    expect(paperboy(cwd, ['digest', '--topic', 'nas', '--period', 'month']).stderr).toBe(
      'paperboy: unknown period "month": use day or week\n',
    );
  });

  it('prints feeds on stdout', () => {
    const cwd = tempDir();
    paperboy(cwd, ['ingest', SAMPLE_PAGE]);
    const run = paperboy(cwd, ['feed']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><rss/);
    expect(run.stdout.match(/<item>/g)).toHaveLength(50);
    expect(paperboy(cwd, ['feed', '--topic', 'nope']).stderr).toBe('paperboy: no topic "nope"\n');
  });

  it('refuses a feed format that is not one of the three, even a name every object has', () => {
    const cwd = tempDir();
    for (const format of ['toString', 'constructor']) {
      const bad = paperboy(cwd, ['feed', '--format', format]);
      expect(bad.status, format).toBe(1);
      expect(bad.stdout, format).toBe('');
      expect(bad.stderr).toBe(`paperboy: unknown feed format "${format}": use rss, atom or json\n`);
    }
  });

  it('has --help on every command and a one-line error for unknown ones', () => {
    const cwd = tempDir();
    for (const cmd of ['ingest', 'topics', 'digest', 'feed', 'papers', 'serve', 'config']) {
      const run = paperboy(cwd, [cmd, '--help']);
      expect(run.status, cmd).toBe(0);
      expect(run.stdout).toContain(`Usage: paperboy ${cmd}`);
    }
    const unknown = paperboy(cwd, ['frobnicate']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('names a bad environment variable without echoing secrets', () => {
    const cwd = tempDir();
    const run = paperboy(cwd, ['papers'], { SMTP_URL: 'http://user:hunter2@relay' });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('paperboy: SMTP_URL must start with smtp:// or smtps://\n');
  });

  it('prints the settings in effect, where each comes from, secrets masked', () => {
    const cwd = tempDir();
    const run = paperboy(cwd, ['config'], {
      PORT: '9090',
      SMTP_URL: 'smtp://mailer:hunter2@relay:587',
      ADMIN_TOKEN: 'a'.repeat(30),
      HOST: '',
    });
    expect(run.status).toBe(0);
    const lines = run.stdout.split('\n');
    const line = (name: string) => lines.find((l) => l.startsWith(`${name} `))?.replace(/ +/g, ' ');
    expect(line('PORT')).toBe('PORT env 9090');
    expect(line('PUBLIC_URL')).toBe('PUBLIC_URL default http://localhost:9090');
    expect(line('HOST')).toBe('HOST default 127.0.0.1');
    expect(line('DATABASE_URL')).toBe(`DATABASE_URL default ${join(cwd, 'data', 'paperboy.db')}`);
    expect(line('SMTP_URL')).toBe('SMTP_URL env smtp://***@relay:587');
    expect(line('ADMIN_TOKEN')).toBe('ADMIN_TOKEN env ***');
    expect(line('PAPERBOY_SECRET')).toBe('PAPERBOY_SECRET unset (generated on first run)');
    expect(run.stdout).not.toMatch(/hunter2|aaaa/);
    // Nothing is created: reading the settings opens no store.
    expect(existsSync(join(cwd, 'data'))).toBe(false);

    const json = JSON.parse(paperboy(cwd, ['config', '--json'], { DATABASE_URL: 'postgres://pb@db/x' }).stdout) as {
      name: string;
      value: string;
    }[];
    expect(json.find((s) => s.name === 'DELIVERY_CLAIM_BATCH')).toEqual({
      name: 'DELIVERY_CLAIM_BATCH',
      group: 'Delivery',
      source: 'default',
      value: '16',
    });

    const bad = paperboy(cwd, ['config'], { PORT: 'x', SMTP_URL: 'http://mailer:hunter2@relay' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe(
      'paperboy: PORT=x is not a whole number between 0 and 65535; SMTP_URL must start with smtp:// or smtps://\n',
    );
  });
});
