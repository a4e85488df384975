import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../app.js';
import { oneLine } from '../domain/text.js';
import { PREVIEW_DAYS } from '../jobs/select/topic-preview.js';
import { operatorView } from '../jobs/operate/operator.js';
import { deliveriesChart } from '../render/web/admin-chart.js';
import { prometheusText } from './metrics-text.js';
import type { PageRenderer } from '../render/web/pages.js';
import { formField, readForm } from './form-body.js';
import { bearerToken, type AdminAuth } from './admin-auth.js';
import {
  COOKIE,
  formToken,
  newSession,
  readCookie,
  sessionCookie,
  validFormToken,
  validSession,
} from './admin-session.js';
import { registerTopicForm, topicSectionView, type TopicFormState } from './admin-topic-form.js';

// Run records hold text from outside (parsers, servers): shown as one bounded line, whatever was stored.
const shown = (value: unknown) => (typeof value === 'string' ? oneLine(value) : undefined);

const LOGIN_LIMIT = { max: 5, timeWindow: 60_000 };
const LOGIN_FORM = { token: formField.one };

const when = (iso: string | Date | null | undefined) =>
  iso ? `${new Date(iso).toISOString().replace('T', ' ').slice(0, 16)} UTC` : '—';

/**
 * The operator's page and /metrics. Both exist only when ADMIN_TOKEN is set. A browser logs in by
 * typing the token into a form (rate-limited per client); it gets a signed, HttpOnly,
 * SameSite=Strict cookie scoped to /admin. Scrapers send the token as a bearer header to /metrics.
 * Signed in, the page lists the topics and has a form to try a query and add a topic (POST only,
 * each form carrying a token bound to the session).
 */
export function registerAdminPage(
  server: FastifyInstance,
  app: App,
  pages: PageRenderer,
  auth: AdminAuth | undefined,
): void {
  const token = app.config.adminToken;
  if (!token || !auth) return;
  const secure = app.config.publicUrl.startsWith('https:');
  /** The session cookie of a signed-in request. */
  const session = (request: FastifyRequest) => {
    const value = readCookie(request.headers.cookie, COOKIE);
    return value !== undefined && validSession(value, app.secret, token, app.clock()) ? value : undefined;
  };
  const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store').type('text/html; charset=utf-8');
  const login = (reply: FastifyReply, status: number, error?: string) =>
    noStore(reply)
      .code(status)
      .send(pages.render('admin-login', { title: 'Sign in · Paperboy admin', error }));

  const render = async (reply: FastifyReply, current: string, topicForm: TopicFormState = {}, status = 200) => {
    // Run records and source errors may quote a URL: shown with its credentials and keys masked.
    const v = app.secrets.value(
      await operatorView({ store: app.store, clock: app.clock, config: app.config, jobStatus: app.jobStatus }),
    );
    const total = v.perDay.reduce((n, d) => n + d.sent, 0);
    return noStore(reply)
      .code(status)
      .send(
        pages.render('admin', {
          title: 'Admin · Paperboy',
          at: when(v.at),
          runs: v.runs.map((r) => ({
            ...r,
            startedAt: when(r.startedAt),
            seconds: (r.durationMs / 1000).toFixed(1),
            failedRun: r.outcome === 'failed',
            error: shown(r.detail?.error),
          })),
          chart: deliveriesChart(v.perDay),
          sentInPeriod: total,
          days: v.perDay.length,
          deliveries: Object.entries(v.deliveries).map(([status, n]) => ({ status, n })),
          subscribers: Object.entries(v.subscribers).map(([status, n]) => ({ status, n })),
          suppressions: v.suppressions,
          papers: v.papers,
          sources: v.sources.map((s) => ({
            source: s.source,
            ok: s.last.outcome === 'ok',
            last: when(s.last.startedAt),
            lastOk: when(s.lastOkAt),
            error: shown(s.last.detail?.error),
            warning: shown((s.last.detail?.warnings as unknown[] | undefined)?.[0]),
            warnings: s.last.detail?.warningCount,
          })),
          jobs: v.jobs.map((j) => ({
            name: j.name,
            next: when(j.nextRun),
            last: j.lastRun ? `${when(j.lastRun.at)} (${j.lastRun.outcome})` : '—',
          })),
          nextSends: v.nextSends.map((n) => ({
            at: n.overdue ? `${when(n.at)} (due now)` : when(n.at),
            email: n.email,
            frequency: n.frequency,
          })),
          moreSends: Math.max(0, v.confirmedSubscribers - v.nextSends.length),
          topics: await app.store.listTopics(),
          // URLs masked by the channel jobs; errors masked again with every secret the app knows.
          channels: (await app.channels.list()).map((c) => ({
            name: c.name,
            format: c.format,
            topics: c.topics.join(', '),
            schedule: `${c.frequency} at ${String(c.hour).padStart(2, '0')}:00 ${c.timezone}`,
            url: c.url,
            next: when(c.nextAt),
            last: c.lastDelivery && {
              when: when(c.lastDelivery.updatedAt),
              status: c.lastDelivery.errorKind
                ? `${c.lastDelivery.status}, ${c.lastDelivery.errorKind}`
                : c.lastDelivery.status,
              ok:
                c.lastDelivery.status === 'sent' || (c.lastDelivery.status === 'pending' && !c.lastDelivery.lastError),
              error: shown(app.secrets.text(c.lastDelivery.lastError ?? '')) || undefined,
            },
          })),
          personalTopics: personalTopicCount(await app.store.countPersonalTopics()),
          topicForm: topicSectionView(topicForm),
          previewDays: PREVIEW_DAYS,
          csrf: formToken(app.secret, current),
        }),
      );
  };

  server.get('/admin', async (request, reply) => {
    const current = session(request);
    return current ? render(reply, current) : login(reply, 200);
  });

  registerTopicForm(server, app, {
    session,
    render,
    login,
    validFormToken: (current, given) => validFormToken(app.secret, current, given ?? ''),
    expired: (reply) =>
      noStore(reply)
        .code(403)
        .send(
          pages.render('message', {
            title: 'Form expired · Paperboy admin',
            heading: 'Form expired',
            message: 'This form is out of date or did not come from the admin page. Open the admin page again.',
          }),
        ),
  });

  server.post('/admin/login', { config: { rateLimit: LOGIN_LIMIT } }, async (request, reply) => {
    const { token: given } = readForm(LOGIN_FORM, request.body);
    if (!auth.check(request, given ?? '')) return login(reply, 401, 'That is not the admin token.');
    return reply
      .code(303)
      .header('set-cookie', sessionCookie(newSession(app.secret, token, app.clock()), secure))
      .header('location', '/admin')
      .send();
  });

  server.post('/admin/logout', async (_request, reply) =>
    reply
      .code(303)
      .header('set-cookie', sessionCookie('', secure, 0))
      .header('location', '/admin')
      .send(),
  );

  server.get('/metrics', async (request, reply) => {
    if (!auth.check(request, bearerToken(request))) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .type('text/plain; charset=utf-8')
        .send('a valid bearer token is required\n');
    }
    const v = app.secrets.value(
      await operatorView(
        { store: app.store, clock: app.clock, config: app.config, jobStatus: app.jobStatus },
        { runs: 0, days: 1 },
      ),
    );
    return reply
      .type('text/plain; version=0.0.4; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(prometheusText(v));
  });
}

/** The operator sees how many personal topics there are, never what they are. */
function personalTopicCount({ topics, owners }: { topics: number; owners: number }) {
  const n = (k: number, one: string, many: string) => `${k} ${k === 1 ? one : many}`;
  return { topics, label: `${n(topics, 'personal topic', 'personal topics')} of ${n(owners, 'reader', 'readers')}` };
}
