// A bare SMTP sink for the delivery benchmarks, in its own process so that it does not share a
// core with the sender: accepts everything, reads the message and throws it away. With
// SINK_REPORT set it prints `got <count> <epoch ms>` for the first message and every 250th, so a
// parent can time a run of worker processes from the sink's side.
import { SMTPServer } from 'smtp-server';

const report = Boolean(process.env.SINK_REPORT);
let count = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  size: 10 * 1024 * 1024,
  onData(stream, _session, callback) {
    stream.on('data', () => undefined);
    stream.on('end', () => {
      count++;
      if (report && (count === 1 || count % 250 === 0)) process.stdout.write(`got ${count} ${Date.now()}\n`);
      callback();
    });
  },
});
server.on('error', () => undefined);
server.listen(0, '127.0.0.1', () => {
  const { port } = server.server.address() as { port: number };
  process.stdout.write(`ready ${port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
