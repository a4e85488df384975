// Postfix's `smtp-sink` (a C SMTP server that accepts and discards) and `smtp-source` (a C SMTP
// client that sends as fast as the server takes it): the practical limit of SMTP on this machine,
// for the delivery benchmark. Found where Debian puts them, or installed with apt-get when run as
// root; otherwise the benchmark says what is missing.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';

export interface Postfix {
  sink: string;
  source: string;
}

const PLACES = ['/usr/sbin', '/usr/lib/postfix/sbin', '/usr/lib/postfix', '/usr/libexec/postfix'];

function find(): Postfix | undefined {
  const at = (name: string) => PLACES.map((dir) => `${dir}/${name}`).find((p) => existsSync(p));
  const sink = at('smtp-sink');
  const source = at('smtp-source');
  return sink && source ? { sink, source } : undefined;
}

/** The two programs, installing the postfix package once when missing and allowed; or why not. */
export function findPostfix(): Postfix | { missing: string } {
  const found = find();
  if (found) return found;
  const root = process.getuid?.() === 0;
  if (root && existsSync('/usr/bin/apt-get')) {
    process.stderr.write('Postfix smtp-sink/smtp-source not found: installing the postfix package with apt-get…\n');
    try {
      execFileSync('apt-get', ['install', '-y', 'postfix'], {
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    } catch {
      // Said below.
    }
    const installed = find();
    if (installed) return installed;
  }
  return {
    missing:
      'Postfix smtp-sink and smtp-source not found in /usr/sbin or /usr/lib/postfix; install them with ' +
      '`DEBIAN_FRONTEND=noninteractive apt-get install -y postfix` (as root)',
  };
}

async function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/**
 * CPU time (user + system, µs) a process has used, from /proc: smtp-sink's share of the machine
 * decides how fast any sender can go into it. Undefined where /proc is not there.
 */
export function processCpuUs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1e6) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** Clock ticks a second of /proc's CPU times (Linux: 100). */
const CLOCK_TICKS = 100;

/** smtp-sink on a loopback port: accepts every message, announces PIPELINING and 8BITMIME. */
export async function startPostfixSink(postfix: Postfix, port: number): Promise<ChildProcess> {
  // As root it must be told whom to run as after opening its socket.
  const user = process.getuid?.() === 0 ? ['-u', 'nobody'] : [];
  const child = spawn(postfix.sink, [...user, `127.0.0.1:${port}`, '256'], { stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 100 && !(await listening(port)); i++) await new Promise((r) => setTimeout(r, 20));
  if (child.exitCode !== null || !(await listening(port))) throw new Error(`smtp-sink did not start on port ${port}`);
  return child;
}

/**
 * smtp-source: `messages` messages with `size` bytes of body over `sessions` connections kept open
 * (-d), as Paperboy keeps its pool's (or, with `reconnect`, one connection per message). Timed from start to exit; its CPU read from the shell's
 * `times` (user and system time of the children).
 */
export async function smtpSource(
  postfix: Postfix,
  port: number,
  sessions: number,
  messages: number,
  size: number,
  /** A new connection for every message: smtp-source's default, and how the figures were taken. */
  reconnect = false,
) {
  const args = [...(reconnect ? [] : ['-d']), '-s', String(sessions), '-m', String(messages), '-l', String(size)];
  const script = `"$0" "$@" -f digest@papers.example.org -t reader@example.org 127.0.0.1:${port} && times`;
  const t0 = performance.now();
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn('bash', ['-c', script, postfix.source, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (c: Buffer) => (text += c.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`smtp-source exited with ${code}`))));
  });
  const seconds = (performance.now() - t0) / 1000;
  // `times`: the shell's user and system time, then its children's, as "0m0.123s 0m0.045s".
  const children = out.trim().split('\n').at(-1) ?? '';
  const cpuSeconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce(
    (s, m) => s + Number(m[1]) * 60 + Number(m[2]),
    0,
  );
  return { rate: messages / seconds, cpuUs: (cpuSeconds * 1e6) / messages };
}
