import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { App } from '../app.js';
import { PaperboyError } from '../domain/errors.js';
import { TEMPLATES_DIR } from '../paths.js';
import { createPageRenderer, type PageRenderer } from '../render/web/pages.js';
import { registerFeedRoutes } from './feed-routes.js';
import { registerPageRoutes } from './page-routes.js';

// Pages are server-rendered with inline styles only: no script runs, nothing may frame them.
const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // Token links must not leak to the sites papers link to.
  'referrer-policy': 'no-referrer',
};

const STATUS: Record<string, number> = { NOT_FOUND: 404, INVALID_INPUT: 400 };

export function sendPage(reply: FastifyReply, pages: PageRenderer, status: number, heading: string, message: string) {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .send(pages.render('error', { title: `${heading} · Paperboy`, heading, message }));
}

/** The HTTP face of Paperboy. Handlers stay thin; this is the only place an error becomes a status. */
export function createServer(app: App): FastifyInstance {
  const server = Fastify({ logger: false, trustProxy: false });
  const pages = createPageRenderer(TEMPLATES_DIR);

  server.addHook('onSend', async (_request, reply) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
  });

  server.setNotFoundHandler((_request, reply) =>
    sendPage(reply, pages, 404, 'Not found', 'There is nothing at this address.'),
  );

  server.setErrorHandler((error, request, reply) => {
    if (error instanceof PaperboyError && STATUS[error.code]) {
      const status = STATUS[error.code] as number;
      return sendPage(reply, pages, status, status === 404 ? 'Not found' : 'Bad request', error.message);
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      return sendPage(reply, pages, status, 'Bad request', 'The request could not be understood.');
    }
    // The details go to the log, never to the visitor.
    app.logger.error('request failed', { method: request.method, url: request.url, error: (error as Error).message });
    return sendPage(reply, pages, 500, 'Something went wrong', 'Paperboy could not answer this request. Try again later.');
  });

  registerPageRoutes(server, app, pages);
  registerFeedRoutes(server, app);
  server.get('/healthz', async () => ({
    status: 'ok',
    papers: await app.store.countPapers(),
    jobs: app.jobStatus(),
  }));
  return server;
}
