// The showcase app (showcase.ts) served for a browser test: kept apart from showcase.ts, which
// the screenshot scripts use outside the test runner.
import { onTestFinished } from 'vitest';
import { createServer } from '../../src/web/server.js';
import { launchChromium } from './chromium.js';
import { freePort, tempDir } from './env.js';
import { showcaseApp } from './showcase.js';

/**
 * The showcase app served on a free loopback port, with a Chromium to read it; all three closed
 * when the test finishes.
 */
export async function showcaseServer(secret: string) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const app = await showcaseApp(base, tempDir(), secret);
  onTestFinished(() => app.close());
  const server = createServer(app);
  await server.listen({ port, host: '127.0.0.1' });
  onTestFinished(() => server.close());
  const browser = await launchChromium();
  onTestFinished(() => browser.close());
  return { app, base, browser };
}
