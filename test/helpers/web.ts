import { onTestFinished } from 'vitest';
import type { App } from '../../src/app.js';
import { createServer } from '../../src/web/server.js';
import { startSmtpSink, type Sink, type SinkOptions } from './smtp-sink.js';
import { fixedClock, testApp } from './env.js';

export const TOPICS = [
  { slug: 'nas', name: 'Neural architecture search', query: '"neural architecture search" OR NAS' },
  { slug: 'llm-serving', name: 'LLM serving', query: '"LLM serving" OR "language model" serving' },
];

/** A server on a loopback port whose mail goes to a real SMTP sink. */
export async function webApp(
  env: Record<string, string> = {},
  sinkOptions: SinkOptions = {},
): Promise<{ app: App; base: string; sink: Sink; clock: ReturnType<typeof fixedClock> }> {
  const sink = await startSmtpSink(sinkOptions);
  onTestFinished(() => sink.close());
  const clock = fixedClock('2026-11-25T06:00:00Z');
  const app = await testApp({ clock, env: { SMTP_URL: sink.url, ...env } });
  for (const t of TOPICS) await app.store.saveTopic(t, clock().toISOString());
  const server = createServer(app);
  const base = await server.listen({ port: 0, host: '127.0.0.1' });
  onTestFinished(() => server.close());
  return { app, base, sink, clock };
}

/** POSTs a form the way a browser does. */
export function postForm(url: string, fields: Record<string, string | string[]>, headers: Record<string, string> = {}) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
  return fetch(url, { method: 'POST', body, redirect: 'manual', headers });
}

/** The confirmation link in the newest email the sink received. */
export function lastConfirmLink(sink: Sink): string {
  const mail = sink.messages.at(-1)?.mail;
  const link = /https?:\/\/[^\s"<>]+\/confirm\/[\w-]+/.exec(mail?.text ?? '')?.[0];
  if (!link) throw new Error('no confirmation link in the last email');
  return link;
}

/** POSTs the subscribe form, then waits until the confirmation email it queued has been tried. */
export async function signUp(
  app: App,
  base: string,
  fields: Record<string, string | string[]>,
  headers: Record<string, string> = {},
) {
  const res = await postForm(`${base}/subscribe`, fields, headers);
  await app.idle();
  return res;
}
