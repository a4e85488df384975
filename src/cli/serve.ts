import type { Command } from 'commander';
import { createApp, type App } from '../app.js';
import { loadConfig, type Config } from '../config.js';
import { intInRange } from './args.js';
import { exitCodeFor, reportError, secretsToMask } from './run.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the web pages and feeds, and run the scheduler')
    .option('--port <port>', 'TCP port (default: PORT or 8080)', intInRange(0, 65535))
    .action(async (options: { port?: number }) => {
      let config: Config | undefined;
      let app: App | undefined;
      try {
        config = loadConfig();
        app = await createApp(config);
        // A broken sources file stops serve before it listens, naming the file, line and field.
        await app.sources();
        await app.loadSampleData();
        // The web stack is loaded only by the command that serves.
        const { createServer } = await import('../web/server.js');
        const server = createServer(app);
        const address = await server.listen({ port: options.port ?? config.port, host: config.host });
        await app.startScheduler();
        const mail = config.smtp
          ? 'emails go to the SMTP relay in SMTP_URL'
          : `emails are written to ${config.outboxDir}/`;
        app.logger.info(
          `Paperboy is serving ${address}: open ${address}/ for topics and digests, feed ${address}/feed.xml; ${mail}`,
          {
            ready_ms: Math.round(performance.now()),
          },
        );

        let stopping = false;
        const running = app;
        const stop = async (signal: string) => {
          if (stopping) return;
          stopping = true;
          running.logger.info('stopping', { signal });
          await server.close();
          await running.close();
        };
        process.once('SIGINT', () => void stop('SIGINT'));
        process.once('SIGTERM', () => void stop('SIGTERM'));
      } catch (err) {
        reportError(err, secretsToMask(app, config));
        process.exitCode = exitCodeFor(err);
      }
    });
}
