// A bare SMTP sink for the delivery benchmark, in its own process so that it does not share a
// core with the sender: accepts everything, reads the message and throws it away.
import { SMTPServer } from 'smtp-server';

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  size: 10 * 1024 * 1024,
  onData(stream, _session, callback) {
    stream.on('data', () => undefined);
    stream.on('end', () => callback());
  },
});
server.on('error', () => undefined);
server.listen(0, '127.0.0.1', () => {
  const { port } = server.server.address() as { port: number };
  process.stdout.write(`ready ${port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
