import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM } from './system.js';

/**
 * Debian's Chromium, headless, as every browser test and screenshot script runs it: no sandbox
 * (root in a container), and the network flags keep it off the closed internet.
 */
export function launchChromium(executablePath = CHROMIUM): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
