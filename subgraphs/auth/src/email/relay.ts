// Moves committed outbox rows into the send-email queue. Runs in every auth replica: each pass
// locks a batch with FOR UPDATE SKIP LOCKED, adds one job per message (jobId = message id) and
// marks the rows queued in the same transaction. If Redis is down the add fails, the transaction
// rolls back and the rows wait for a later pass: nothing is lost. A crash after the add but before
// the commit re-adds the same jobId later, which BullMQ ignores (and the job is idempotent).
import type { Queue } from 'bullmq';
import type { Logger, PrismaClient } from '@omni/core';
import { SEND_EMAIL_JOB, sendEmailJobOptions, type SendEmailData } from '../jobs/send-email.job.js';
import { queueUnqueuedMessages, type RecipientScope } from './repository.js';

export interface OutboxRelayOptions {
  prisma: PrismaClient;
  queue: Queue<SendEmailData>;
  logger: Logger;
  /** Default 'deliverable': every row except `.invalid` recipients (see repository.ts). */
  scope?: RecipientScope;
  pollIntervalMs?: number;
  batchSize?: number;
  /** The row locks are held while adding; a Redis slower than this counts as down. */
  addTimeoutMs?: number;
  backoffDelayMs?: number;
}

export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private failing = false;

  constructor(private readonly options: OutboxRelayOptions) {}

  /** Polls from now on; wake() runs a pass sooner (e.g. on a commit notification). */
  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.wake(), this.options.pollIntervalMs ?? 1_000);
    this.timer.unref();
    this.wake();
  }

  /** Runs a pass now, or right after the one in progress. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => (this.running = undefined));
  }

  /** Stops polling and waits for the pass in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        while (!this.stopped && (await this.relayBatch()) === (this.options.batchSize ?? 50));
        if (this.failing) this.options.logger.info('email relay: queueing again');
        this.failing = false;
      } catch (error) {
        // Logged once per outage; the rows stay and the next pass retries.
        if (!this.failing) this.options.logger.warn({ err: error }, 'email relay: cannot queue mail; will retry');
        this.failing = true;
      }
    } while (this.again && !this.stopped);
  }

  /** One transaction: claim a batch, add its jobs, mark it queued. Returns the batch size. */
  relayBatch(): Promise<number> {
    const { prisma, queue, batchSize = 50, addTimeoutMs = 3_000 } = this.options;
    const batch = { limit: batchSize, scope: this.options.scope ?? 'deliverable', timeoutMs: addTimeoutMs } as const;
    return queueUnqueuedMessages(prisma, batch, async (ids) => {
      const jobs = ids.map((id) => ({ name: SEND_EMAIL_JOB, data: { messageId: id }, opts: sendEmailJobOptions(id, this.options.backoffDelayMs) }));
      await withTimeout(queue.addBulk(jobs), addTimeoutMs);
    });
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`redis did not answer within ${ms} ms`)), ms);
  });
  // A late add is harmless (same jobId next time), but must not surface as an unhandled rejection.
  work.catch(() => undefined);
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
