// Helpers for the mail tests: a real SMTP server (smtp-server) on 127.0.0.1 that can refuse the
// first messages, and an EmailDelivery isolated from every other test's: its own BullMQ queue and
// key prefix, and a relay that only takes rows addressed to its own `<uuid>.invalid` domain
// (the relays of other auth processes leave `.invalid` recipients alone).
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { createDatabase, createLogger, type Config, type Database } from '@omni/core';
import { EmailDelivery, type EmailDeliveryOptions } from '../src/email/delivery.js';
import type { OutgoingEmail } from '../src/email/outbox.js';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

export interface TestSmtpServer {
  url: string;
  /** Messages accepted (250). */
  accepted: ReceivedMail[];
  /** DATA commands seen, accepted or refused. */
  attempts: number;
  close(): Promise<void>;
}

/** `refuseFirst` messages get a temporary failure (451), as a busy server would answer. */
export async function startSmtpServer(options: { refuseFirst?: number } = {}): Promise<TestSmtpServer> {
  const accepted: ReceivedMail[] = [];
  const state = { attempts: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        state.attempts += 1;
        if (state.attempts <= (options.refuseFirst ?? 0)) {
          callback(Object.assign(new Error('Mailbox busy, try again later'), { responseCode: 451 }));
          return;
        }
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        accepted.push({ from, to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  const listening = server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => listening.once('listening', () => resolve()));
  const { port } = listening.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    accepted,
    get attempts() {
      return state.attempts;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface IsolatedDelivery {
  delivery: EmailDelivery;
  database: Database;
  queueName: string;
  prefix: string;
  /** A fresh recipient in this delivery's own domain. */
  recipient(): string;
  /** Writes a message through the outbox in a committed transaction; returns its id. */
  enqueue(email: Omit<OutgoingEmail, 'to'> & { to?: string }): Promise<string>;
  close(): Promise<void>;
}

export function isolatedDelivery(config: Config, options: EmailDeliveryOptions & { domain?: string } = {}): IsolatedDelivery {
  const id = randomUUID();
  const domain = options.domain ?? `${id}.invalid`;
  const database = createDatabase(config.database);
  const logger = createLogger({ service: 'email-test', level: 'silent' });
  const queueName = options.queueName ?? `email-test-${id}`;
  const prefix = options.prefix ?? `test:${id}`;
  const delivery = new EmailDelivery(config, { database, logger }, { scope: { domain }, backoffDelayMs: 200, ...options, queueName, prefix });
  return {
    delivery,
    database,
    queueName,
    prefix,
    recipient: () => `user-${randomUUID()}@${domain}`,
    enqueue: (email) =>
      database.withTenant({ companyId: randomUUID() }, (tx) => delivery.outbox.enqueue(tx, { to: `user-${randomUUID()}@${domain}`, ...email })),
    close: async () => {
      await delivery.stop();
      await database.disconnect();
    },
  };
}

/** Polls `check` until it returns a value other than undefined/false. */
export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`waitFor: timed out after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
