import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { App } from '../app.js';
import { normaliseEmail } from '../domain/email.js';
import { InvalidInputError, NotFoundError } from '../domain/errors.js';
import { publicSubscriber } from '../domain/subscriber.js';
import { previewNewQuery } from '../jobs/select/topic-preview.js';
import { bearerToken, UnauthorizedError, type AdminAuth } from './admin-auth.js';

const subscriberBody = z.object({
  email: z.string(),
  topics: z.array(z.string()).min(1),
  frequency: z.string().optional(),
  timezone: z.string().optional(),
  hour: z.number().int().optional(),
  confirmed: z.boolean().default(false),
});
const topicBody = z.object({ slug: z.string(), query: z.string(), name: z.string().optional() });
const previewBody = z.object({ query: z.string() });
const channelBody = z.object({
  name: z.string(),
  topics: z.array(z.string()).min(1),
  url: z.string(),
  format: z.string(),
  frequency: z.string().optional(),
  timezone: z.string().optional(),
  hour: z.number().int().optional(),
});

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new InvalidInputError(`${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
}

/**
 * The admin API, for scripts: subscribers and topics, behind `Authorization: Bearer <ADMIN_TOKEN>`.
 * Without ADMIN_TOKEN configured it does not exist (404).
 */
export function registerAdminRoutes(server: FastifyInstance, app: App, auth: AdminAuth | undefined): void {
  if (!auth) return;
  const meta = { source: 'admin-api' };

  const authorize = async (request: FastifyRequest) => {
    if (!auth.check(request, bearerToken(request))) throw new UnauthorizedError();
  };

  server.register(
    async (api) => {
      api.addHook('onRequest', authorize);

      api.get('/subscribers', async () => (await app.store.listSubscribers()).map(publicSubscriber));

      api.post('/subscribers', async (request, reply) => {
        const body = parse(subscriberBody, request.body);
        const result = await app.subscriptions.addByOperator(body, { confirmed: body.confirmed }, meta);
        const stored = await app.store.findSubscriberByEmail(normaliseEmail(body.email));
        return reply.code(201).send({ outcome: result.outcome, subscriber: stored && publicSubscriber(stored) });
      });

      api.delete<{ Params: { email: string } }>('/subscribers/:email', async (request, reply) => {
        if (!(await app.subscriptions.remove(request.params.email, meta)))
          throw new NotFoundError('no such subscriber');
        return reply.code(204).send();
      });

      api.get('/topics', async () => app.store.listTopics());

      // Saved whatever it matches (a script cannot answer a question): one that matches none of the
      // recent papers comes back with a warning saying which words no paper has. A topic of an
      // existing slug is replaced; sent without a name, it is named from its query (a blank name).
      api.post('/topics', async (request, reply) => {
        const body = parse(topicBody, request.body);
        const result = await app.topics.add({
          slug: body.slug,
          query: body.query,
          name: body.name ?? '',
          replace: true,
          force: true,
        });
        const { topic, preview, warning } = result;
        return reply
          .code(result.status === 'added' ? 201 : 200)
          .send({ ...topic, preview, ...(warning ? { warning } : {}) });
      });

      api.post('/topics/preview', async (request) => {
        const { query } = parse(previewBody, request.body);
        return previewNewQuery(app, query);
      });

      api.delete<{ Params: { slug: string } }>('/topics/:slug', async (request, reply) => {
        if (!(await app.store.removeTopic(request.params.slug))) throw new NotFoundError('no such topic');
        return reply.code(204).send();
      });

      // Channels: the URL is answered masked, always; the json format's signing secret once, here.
      api.get('/channels', async () => app.channels.list());

      api.post('/channels', async (request, reply) => {
        const body = parse(channelBody, request.body);
        const { channel, signingSecret } = await app.channels.add(body);
        return reply.code(201).send({ ...channel, ...(signingSecret ? { signingSecret } : {}) });
      });

      api.delete<{ Params: { name: string } }>('/channels/:name', async (request, reply) => {
        await app.channels.remove(request.params.name);
        return reply.code(204).send();
      });

      // Posts now, records nothing: 200 with how the webhook answered, whatever it answered.
      api.post<{ Params: { name: string } }>('/channels/:name/test', async (request) =>
        app.channels.test(request.params.name),
      );
    },
    { prefix: '/admin/api' },
  );
}
