// Small network helpers for tests on 127.0.0.1.
import { createServer } from 'node:net';

/** A port nothing listens on: bind one, then release it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
