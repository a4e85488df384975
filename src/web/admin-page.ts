import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../app.js';
import { operatorView } from '../jobs/operator.js';
import { deliveriesChart } from '../render/web/admin-chart.js';
import { prometheusText } from './metrics-text.js';
import type { PageRenderer } from '../render/web/pages.js';
import { asForm, field } from './form-body.js';
import { COOKIE, newSession, readCookie, sessionCookie, tokenMatches, validSession } from './admin-session.js';

const LOGIN_LIMIT = { max: 5, timeWindow: 60_000 };

const when = (iso: string | Date | null | undefined) => (iso ? new Date(iso).toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : '—');

/**
 * The operator's page and /metrics. Both exist only when ADMIN_TOKEN is set. A browser logs in by
 * typing the token into a form (rate-limited per client); it gets a signed, HttpOnly,
 * SameSite=Strict cookie scoped to /admin. Scrapers send the token as a bearer header to /metrics.
 */
export function registerAdminPage(server: FastifyInstance, app: App, pages: PageRenderer): void {
  const token = app.config.adminToken;
  if (!token) return;
  const secure = app.config.publicUrl.startsWith('https:');
  const signedIn = (request: FastifyRequest) => validSession(readCookie(request.headers.cookie, COOKIE), app.secret, token, app.clock());
  const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store').type('text/html; charset=utf-8');
  const login = (reply: FastifyReply, status: number, error?: string) =>
    noStore(reply).code(status).send(pages.render('admin-login', { title: 'Sign in · Paperboy admin', error }));

  server.get('/admin', async (request, reply) => {
    if (!signedIn(request)) return login(reply, 200);
    // Run records and source errors may quote a URL: shown with its credentials and keys masked.
    const v = app.secrets.value(await operatorView({ store: app.store, clock: app.clock, config: app.config, jobStatus: app.jobStatus }));
    const total = v.perDay.reduce((n, d) => n + d.sent, 0);
    return noStore(reply).send(
      pages.render('admin', {
        title: 'Admin · Paperboy',
        at: when(v.at),
        runs: v.runs.map((r) => ({ ...r, startedAt: when(r.startedAt), seconds: (r.durationMs / 1000).toFixed(1), failedRun: r.outcome === 'failed', error: r.detail?.error })),
        chart: deliveriesChart(v.perDay),
        sentInPeriod: total,
        days: v.perDay.length,
        deliveries: Object.entries(v.deliveries).map(([status, n]) => ({ status, n })),
        subscribers: Object.entries(v.subscribers).map(([status, n]) => ({ status, n })),
        suppressions: v.suppressions,
        papers: v.papers,
        sources: v.sources.map((s) => ({ source: s.source, ok: s.last.outcome === 'ok', last: when(s.last.startedAt), lastOk: when(s.lastOkAt), error: s.last.detail?.error })),
        jobs: v.jobs.map((j) => ({ name: j.name, next: when(j.nextRun), last: j.lastRun ? `${when(j.lastRun.at)} (${j.lastRun.outcome})` : '—' })),
        nextSends: v.nextSends.map((n) => ({ at: n.overdue ? `${when(n.at)} (due now)` : when(n.at), email: n.email, frequency: n.frequency })),
        moreSends: Math.max(0, v.confirmedSubscribers - v.nextSends.length),
      }),
    );
  });

  server.post('/admin/login', { config: { rateLimit: LOGIN_LIMIT } }, async (request, reply) => {
    const given = field(asForm(request.body), 'token');
    if (!tokenMatches(given, token)) return login(reply, 401, 'That is not the admin token.');
    return reply.code(303).header('set-cookie', sessionCookie(newSession(app.secret, token, app.clock()), secure)).header('location', '/admin').send();
  });

  server.post('/admin/logout', async (_request, reply) =>
    reply.code(303).header('set-cookie', sessionCookie('', secure, 0)).header('location', '/admin').send(),
  );

  server.get('/metrics', async (request, reply) => {
    const given = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (!given || !tokenMatches(given, token)) {
      return reply.code(401).header('www-authenticate', 'Bearer').type('text/plain; charset=utf-8').send('a valid bearer token is required\n');
    }
    const v = app.secrets.value(await operatorView({ store: app.store, clock: app.clock, config: app.config, jobStatus: app.jobStatus }, { runs: 0, days: 1 }));
    return reply.type('text/plain; version=0.0.4; charset=utf-8').header('cache-control', 'no-store').send(prometheusText(v));
  });
}
