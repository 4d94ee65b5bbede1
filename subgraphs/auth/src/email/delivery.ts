// Email delivery inside the auth process: the outbox services write to, the relay that queues
// committed messages, and the BullMQ worker that sends them. One instance per process; several
// replicas share the work through PostgreSQL (SKIP LOCKED) and the queue.
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import { createRedis, SecretBox, type Config, type Database, type Logger, type Redis, type RunningService } from '@omni/core';
import { EMAIL_QUEUE, sendEmailHandler, type SendEmailData } from '../jobs/send-email.job.js';
import { EmailOutbox, OUTBOX_CHANNEL } from './outbox.js';
import { OutboxRelay, type OutboxRelayOptions } from './relay.js';
import { currentDatabaseName } from './repository.js';
import { createMailTransport, type MailTransport } from './transport.js';
import { CommitListener } from './wake-up.js';

export interface EmailDeliveryOptions extends Pick<OutboxRelayOptions, 'scope' | 'pollIntervalMs' | 'backoffDelayMs'> {
  /** Tests isolate their jobs with their own queue name and key prefix. */
  queueName?: string;
  prefix?: string;
  /** Redis for the queue and worker; default config.redis.url. */
  redisUrl?: string;
  /** Default: SMTP or the local mailbox, from config.mail. */
  transport?: MailTransport;
  /** Set false for a process that only relays (the worker runs elsewhere). */
  worker?: boolean;
}

/** Longer than one SMTP attempt may take (transport.ts), shorter than an orchestrator's patience. */
const WORKER_CLOSE_GRACE_MS = 25_000;

interface Running {
  redis: Redis;
  queue: Queue<SendEmailData>;
  relay: OutboxRelay;
  listener: CommitListener;
  worker: Worker<SendEmailData> | undefined;
}

export class EmailDelivery {
  readonly outbox: EmailOutbox;
  readonly transport: MailTransport;
  private readonly box: SecretBox;
  private running: Running | undefined;

  constructor(
    private readonly config: Config,
    private readonly deps: { database: Database; logger: Logger },
    private readonly options: EmailDeliveryOptions = {},
  ) {
    this.box = new SecretBox(config.dataEncryptionKey);
    this.outbox = new EmailOutbox(this.box);
    this.transport = options.transport ?? createMailTransport(config.mail);
  }

  async start(): Promise<void> {
    const { config, deps, options } = this;
    const { database, logger } = deps;
    // Jobs name rows of one database, so the key space is per database: databases sharing one
    // Redis (development, tests, scratch ones) never work off each other's jobs.
    const prefix = options.prefix ?? `omni:${await currentDatabaseName(database.prisma)}`;
    const queueName = options.queueName ?? EMAIL_QUEUE;
    const url = options.redisUrl ?? config.redis.url;
    // The relay must learn at once that Redis is down (it holds row locks meanwhile). Our own
    // client: BullMQ leaves it open on close, and we disconnect it without waiting for Redis.
    const redis = createRedis(url, 'auth-email-relay', logger, { failFast: true });
    const queue = new Queue<SendEmailData>(queueName, { connection: redis, prefix });
    queue.on('error', (error) => logger.debug({ err: error }, 'email queue: redis error'));
    const relay = new OutboxRelay({ ...options, prisma: database.prisma, queue, logger });
    const listener = new CommitListener(config.database.url, OUTBOX_CHANNEL, () => relay.wake(), logger);
    this.running = { redis, queue, relay, listener, worker: options.worker === false ? undefined : this.createWorker(queueName, prefix, url) };
    await listener.start();
    relay.start();
    // run() resolves only when the worker closes.
    void this.running.worker?.run().catch((error: unknown) => logger.error({ err: error }, 'email worker stopped'));
  }

  /** Stops queueing, lets the worker finish the message in hand, then closes the connections. */
  async stop(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    if (running) {
      await running.relay.stop();
      await running.listener.stop();
      if (running.worker) await this.closeWorker(running.worker, running.redis);
      await running.queue.close().catch(() => undefined);
      running.redis.disconnect();
    }
    this.transport.close();
  }

  private createWorker(queueName: string, prefix: string, url: string): Worker<SendEmailData> {
    const { database, logger } = this.deps;
    const handler = sendEmailHandler({ prisma: database.prisma, box: this.box, transport: this.transport, logger });
    const retryStrategy = (attempt: number) => Math.min(attempt * 200, 2_000);
    // Workers wait for Redis instead of failing (maxRetriesPerRequest: null, as BullMQ requires).
    const connection: ConnectionOptions = { url, maxRetriesPerRequest: null, retryStrategy };
    const worker = new Worker<SendEmailData>(queueName, handler, { connection, prefix, concurrency: 4, autorun: false });
    worker.on('failed', (job, error) => logger.warn({ err: error, messageId: job?.data.messageId, attempt: job?.attemptsMade }, 'send-email attempt failed'));
    worker.on('error', (error) => logger.warn({ err: error }, 'email worker: redis error'));
    return worker;
  }

  /**
   * A graceful close waits for the jobs in hand, then says goodbye to Redis, which never answers
   * while Redis is down: then close at once (a job cut short is retried; the handler is idempotent).
   */
  private async closeWorker(worker: Worker<SendEmailData>, redis: Redis): Promise<void> {
    const { logger } = this.deps;
    const failed = (error: unknown) => logger.warn({ err: error }, 'email worker: close failed');
    if (redis.status !== 'ready') return worker.close(true).catch(failed);
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), WORKER_CLOSE_GRACE_MS)));
    const outcome = await Promise.race([worker.close().catch(failed), gaveUp]);
    clearTimeout(timer);
    if (outcome === 'timeout') logger.warn('email worker: did not close in time; leaving it');
  }
}

/** The service, with mail delivery stopped before the platform's stop closes the database. */
export function withEmailDelivery(service: RunningService, email: EmailDelivery): RunningService {
  return {
    ...service,
    stop: async () => {
      await email.stop();
      await service.stop();
    },
  };
}
