import { createServer } from 'node:net';

/** A free loopback port for a server the benchmark starts in another process. */
export async function freePortNumber(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
