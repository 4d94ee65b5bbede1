// The send-email job: delivers one outbox message through the mail transport. The job data is
// only the message id: BullMQ keeps job data in Redis in clear text, and the body (reset links)
// stays sealed in PostgreSQL until the moment it is sent.
//
// Idempotent: BullMQ delivers at least once (retries, stalled jobs, a relay re-adding after a
// crash), so a message whose sentAt is set is skipped, and the mailbox file and the Message-ID
// are derived from the message id so a repeat is recognisable as the same message.
import { UnrecoverableError, type Job, type JobsOptions } from 'bullmq';
import type { Logger, PrismaClient, SecretBox } from '@omni/core';
import { findEmailMessage, markSent, recordFailedAttempt } from '../email/repository.js';
import type { MailTransport } from '../email/transport.js';

export const SEND_EMAIL_JOB = 'send-email';

/** The queue the auth process relays mail into and works off. */
export const EMAIL_QUEUE = 'auth-email';

export interface SendEmailData {
  messageId: string;
}

export type SendEmailOutcome = 'sent' | 'already-sent';

/** `jobId` = message id, so a message queued twice (two relays, a crash) is one job. */
export function sendEmailJobOptions(messageId: string, backoffDelayMs = 2_000): JobsOptions {
  return {
    jobId: messageId,
    attempts: 5,
    backoff: { type: 'exponential', delay: backoffDelayMs },
    removeOnComplete: { age: 7 * 24 * 3600 },
    // Kept after the last attempt, so an operator sees what never went out and why.
    removeOnFail: false,
  };
}

export interface SendEmailDeps {
  prisma: PrismaClient;
  box: SecretBox;
  transport: MailTransport;
  logger: Logger;
}

export function sendEmailHandler(deps: SendEmailDeps) {
  return async (job: Job<SendEmailData>): Promise<SendEmailOutcome> => {
    const { messageId } = job.data;
    const message = await findEmailMessage(deps.prisma, messageId);
    // Outbox rows are never deleted and queues are per database (delivery.ts): kept as a failed
    // job for an operator to see, not retried.
    if (!message) throw new UnrecoverableError('send-email: no such message in this database');
    if (message.sentAt) return 'already-sent';
    let text: string;
    try {
      text = deps.box.decrypt(message.body);
    } catch {
      await recordFailedAttempt(deps.prisma, messageId, 'the body cannot be decrypted with the current data key');
      throw new UnrecoverableError('send-email: undecryptable body');
    }
    try {
      await deps.transport.send({ id: message.id, to: message.to, subject: message.subject, text, createdAt: message.createdAt });
    } catch (error) {
      await recordFailedAttempt(deps.prisma, messageId, error instanceof Error ? error.message : String(error));
      throw error;
    }
    await markSent(deps.prisma, messageId);
    return 'sent';
  };
}
