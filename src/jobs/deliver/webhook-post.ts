// Posting a payload to a webhook: the one place a channel's URL is used. What comes back is
// reduced to a status, Retry-After and a short body; an error never carries the URL.
import type { ChannelPayload } from '../../render/channels/channel-edition.js';
import type { WebhookAnswer } from '../../domain/webhook-answer.js';

/** Posts and reads the answer; never throws. */
export type WebhookPoster = (url: string, payload: ChannelPayload, timeoutMs: number) => Promise<WebhookAnswer>;

/** The most of an answer's body read: enough for an error message. */
const BODY_BYTES = 2048;

/** Node's fetch, with a timeout and no redirects followed (a webhook that redirects is misconfigured). */
export const postWebhook: WebhookPoster = async (url, payload, timeoutMs) => {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: payload.headers,
      body: payload.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await readSome(res);
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: text };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    if (e.name === 'TimeoutError' || e.name === 'AbortError')
      return { status: undefined, error: `no answer within ${timeoutMs} ms` };
    // undici's "fetch failed" says nothing; its cause's code (ECONNREFUSED, ENOTFOUND) does.
    return { status: undefined, error: `could not connect: ${e.cause?.code ?? e.message}` };
  }
};

async function readSome(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < BODY_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } catch {
    // A body cut short still tells what it had.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, BODY_BYTES).toString('utf8');
}
