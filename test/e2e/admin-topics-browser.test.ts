import { describe, expect, it, onTestFinished } from 'vitest';
import { createServer } from '../../src/web/server.js';
import { SAMPLE_PAGE, fixedClock, freePort, testApp } from '../helpers/env.js';
import { launchChromium } from '../helpers/chromium.js';
import { chromiumAvailable } from '../helpers/system.js';
import { TOPICS } from '../helpers/web.js';

const hasChromium = chromiumAvailable();
const TOKEN = 'admin-token-for-browser-0123456789';

describe.runIf(hasChromium)("the admin page's topic form in a real browser (Chromium)", () => {
  it('previews a query, saves a topic, and saves one that matches nothing only with "Save anyway", without any script', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const clock = fixedClock('2026-11-25T06:00:00Z');
    const app = await testApp({ clock, env: { PUBLIC_URL: base, ADMIN_TOKEN: TOKEN } });
    for (const t of TOPICS) await app.store.saveTopic(t, clock().toISOString());
    await app.ingester.ingestFiles([SAMPLE_PAGE]);
    const server = createServer(app);
    await server.listen({ port, host: '127.0.0.1' });
    onTestFinished(() => server.close());

    const browser = await launchChromium();
    onTestFinished(() => browser.close());
    const context = await browser.newContext({ viewport: { width: 1024, height: 900 }, javaScriptEnabled: false });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    const listed = async () => (await page.locator('#topic-list tbody tr td:first-child').allTextContents()).sort();

    await page.goto(`${base}/admin`);
    await page.getByLabel('Admin token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Admin');
    expect(await listed()).toEqual(['llm-serving', 'nas']);

    // Preview: how many recent papers the query matches, the first five with why; nothing saved.
    await page.getByLabel('Slug').fill('nas-words');
    await page.getByLabel('Query').fill('neural architecture search');
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.locator('#topic-preview');
    await expect.poll(() => preview.count()).toBe(1);
    expect(await preview.locator('strong').textContent()).toMatch(/^matches \d+ of 103 papers from the last 30 days$/);
    const items = preview.locator('li');
    expect(await items.count()).toBe(5);
    for (const why of await items.locator('.why').allTextContents())
      expect(why).toMatch(/^Why: matches .* · score [01]\.\d\d$/);
    // The form keeps what was typed, and the topic is not saved.
    expect(await page.getByLabel('Slug').inputValue()).toBe('nas-words');
    expect(await page.getByLabel('Query').inputValue()).toBe('neural architecture search');
    expect(await listed()).toEqual(['llm-serving', 'nas']);

    // Enter in the form previews (the first button): it never saves by accident.
    await page.getByLabel('Query').fill('NAS');
    await page.getByLabel('Query').press('Enter');
    await expect.poll(() => preview.locator('code').textContent()).toBe('NAS');
    expect(await listed()).toEqual(['llm-serving', 'nas']);

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Added topic nas-words (NAS): NAS.');
    expect(await listed()).toEqual(['llm-serving', 'nas', 'nas-words']);

    // A query that matches nothing: the preview, the words no paper has, and a question.
    await page.getByLabel('Slug').fill('plants');
    await page.getByLabel('Query').fill('photosynthesis OR "chlorophyll fluorescence"');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.locator('#topic-warning').count()).toBe(1);
    expect(await page.getByRole('alert').textContent()).toBe(
      'This query matches none of the papers of the last 30 days: it is saved only with “Save anyway” ticked.',
    );
    expect(await page.locator('#words-without-hits').textContent()).toBe(
      'no paper has photosynthesis or "chlorophyll fluorescence"',
    );
    expect(await listed()).toEqual(['llm-serving', 'nas', 'nas-words']);
    await page.getByLabel('Save anyway').check();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toMatch(/^Added topic plants \(Photosynthesis\): .* It matches none of the 103 papers/);
    expect(await listed()).toEqual(['llm-serving', 'nas', 'nas-words', 'plants']);
    expect(await app.store.getTopic('plants')).toEqual({
      slug: 'plants',
      name: 'Photosynthesis',
      query: 'photosynthesis OR "chlorophyll fluorescence"',
      syntax: 'natural',
    });
    expect(violations).toEqual([]);
  });
});
