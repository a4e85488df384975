// The admin page's chart of deliveries per day: an inline SVG drawn on the server, so the page
// needs no script (the CSP allows none inline) and no external asset.

export interface DayCount {
  day: string;
  sent: number;
  failed: number;
  skipped: number;
}

const WIDTH = 600;
const HEIGHT = 160;
const AXIS = 18;

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Stacked bars (sent, failed, skipped) per day, with a title on each bar for the exact counts. */
export function deliveriesChart(days: readonly DayCount[]): string {
  const max = Math.max(1, ...days.map((d) => d.sent + d.failed + d.skipped));
  const slot = WIDTH / Math.max(1, days.length);
  const bar = Math.max(2, slot * 0.7);
  const scale = (HEIGHT - AXIS - 4) / max;
  const total = days.reduce((n, d) => n + d.sent + d.failed + d.skipped, 0);
  const parts: string[] = [];
  days.forEach((d, i) => {
    const x = (i * slot + (slot - bar) / 2).toFixed(1);
    let y = HEIGHT - AXIS;
    const label = esc(`${d.day}: ${d.sent} sent, ${d.failed} failed, ${d.skipped} skipped`);
    const rects: string[] = [];
    for (const [n, cls] of [
      [d.sent, 'sent'],
      [d.failed, 'failed'],
      [d.skipped, 'skipped'],
    ] as const) {
      if (n === 0) continue;
      const h = Math.max(1, n * scale);
      y -= h;
      rects.push(
        `<rect class="${cls}" x="${x}" y="${y.toFixed(1)}" width="${bar.toFixed(1)}" height="${h.toFixed(1)}"/>`,
      );
    }
    parts.push(`<g><title>${label}</title>${rects.join('')}</g>`);
  });
  const first = days[0]?.day ?? '';
  const last = days.at(-1)?.day ?? '';
  return (
    `<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" role="img" aria-label="${esc(`Deliveries per day from ${first} to ${last}: ${total} in all, at most ${max} a day`)}">` +
    `<style>.sent{fill:#1a4fa3}.failed{fill:#b3261e}.skipped{fill:#9aa0a6}text{font:11px sans-serif;fill:currentColor}</style>` +
    `<line x1="0" y1="${HEIGHT - AXIS}" x2="${WIDTH}" y2="${HEIGHT - AXIS}" stroke="currentColor" stroke-width="0.5"/>` +
    parts.join('') +
    `<text x="0" y="${HEIGHT - 4}">${esc(first)}</text><text x="${WIDTH}" y="${HEIGHT - 4}" text-anchor="end">${esc(last)}</text>` +
    `<text x="0" y="10">max ${max}/day</text></svg>`
  );
}
