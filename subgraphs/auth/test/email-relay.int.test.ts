// The outbox relay under a Redis outage: rows committed while the queue's Redis is unreachable
// (and no worker runs) are neither lost nor marked queued; when Redis comes back the relay queues
// them, and a worker started later sends each exactly once, here into a local mailbox.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, testConfig } from '@omni/core/testing';
import { readMailbox } from '../src/email/mailbox.js';
import { isolatedDelivery, waitFor, type IsolatedDelivery } from './email-fixtures.js';

/** A TCP forwarder to the real Redis: "Redis is up" exactly while it listens. */
async function startRedisProxy(port: number, target: URL): Promise<{ close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection(Number(target.port || 6379), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('outbox relay', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('keeps rows written during a Redis outage, queues them when Redis returns, and a later worker sends each once', async () => {
    const config = testConfig();
    const port = await freePort();
    const relay: IsolatedDelivery = isolatedDelivery(config, { worker: false, redisUrl: `redis://127.0.0.1:${port}`, pollIntervalMs: 300 });
    cleanups.push(() => relay.close());
    await relay.delivery.start();

    const subjects = [1, 2, 3].map((n) => `Outage message ${n} ${randomUUID()}`);
    const ids = await Promise.all(subjects.map((subject) => relay.enqueue({ subject, text: `Body of ${subject}` })));
    const rows = () => relay.database.prisma.emailMessage.findMany({ where: { id: { in: ids } } });

    await sleep(4_000); // several relay passes, each refused by the missing Redis
    expect((await rows()).map((r) => r.queuedAt)).toEqual([null, null, null]);

    const proxy = await startRedisProxy(port, new URL(config.redis.url));
    cleanups.push(() => proxy.close());
    await waitFor(async () => (await rows()).every((r) => r.queuedAt !== null));
    expect((await rows()).every((r) => r.sentAt === null)).toBe(true);

    const dir = await mkdtemp(join(tmpdir(), 'omni-mailbox-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    // Same queue; its own relay watches a domain nobody writes to.
    const worker = isolatedDelivery(testConfig({ MAILBOX_DIR: dir }), { queueName: relay.queueName, prefix: relay.prefix });
    cleanups.push(() => worker.close());
    await worker.delivery.start();

    await waitFor(async () => (await rows()).every((r) => r.sentAt !== null));
    const mailbox = await readMailbox(dir);
    expect(mailbox.map((m) => m.id).sort()).toEqual([...ids].sort());
    for (const [index, id] of ids.entries()) {
      const message = mailbox.find((m) => m.id === id);
      expect(message?.subject).toBe(subjects[index]);
      expect(message?.text.trim()).toBe(`Body of ${subjects[index]}`);
    }
    expect((await rows()).map((r) => r.attempts)).toEqual([1, 1, 1]);
  });
});
