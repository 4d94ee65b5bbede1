// Mail over SMTP, end to end on real components: the outbox row, the relay, the BullMQ job and
// nodemailer talking to a real SMTP server (smtp-server) on 127.0.0.1.
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { testConfig } from '@omni/core/testing';
import { parseEmail } from '../src/email/mime.js';
import { SEND_EMAIL_JOB } from '../src/jobs/send-email.job.js';
import { isolatedDelivery, startSmtpServer, waitFor, type IsolatedDelivery, type TestSmtpServer } from './email-fixtures.js';

const LINK = 'https://app.example.test/reset-password?token=omp_not-a-real-token-but-long-enough-to-wrap-the-line';

describe('send-email over SMTP', () => {
  let smtp: TestSmtpServer | undefined;
  let mail: IsolatedDelivery | undefined;

  afterEach(async () => {
    await mail?.close();
    await smtp?.close();
  });

  async function start(refuseFirst = 0) {
    smtp = await startSmtpServer({ refuseFirst });
    mail = isolatedDelivery(testConfig({ SMTP_URL: smtp.url }));
    await mail.delivery.start();
    return { smtp, mail };
  }

  const sentRow = (m: IsolatedDelivery, id: string) =>
    waitFor(async () => {
      const row = await m.database.prisma.emailMessage.findUnique({ where: { id } });
      return row?.sentAt ? row : undefined;
    });

  it('delivers an outbox message to the SMTP server once, with its body sealed at rest', async () => {
    const { smtp, mail } = await start();
    const to = mail.recipient();
    const id = await mail.enqueue({ to, subject: 'Your link', text: `Hello,\n${LINK}\n` });

    const row = await sentRow(mail, id);
    expect(row.queuedAt).not.toBeNull();
    expect(row.attempts).toBe(1);
    expect(row.body).not.toContain('omp_');
    expect(smtp.accepted).toHaveLength(1);
    const [message] = smtp.accepted;
    expect(message?.to).toEqual([to]);
    expect(message?.from).toBe('no-reply@omni.local');
    const parsed = parseEmail(message?.raw ?? '');
    expect(parsed.headers.get('subject')).toBe('Your link');
    expect(parsed.headers.get('message-id')).toBe(`<${id}@omni.local>`);
    expect(parsed.text).toContain(LINK);
  });

  it('retries a refused attempt with backoff and delivers exactly once', async () => {
    const { smtp, mail } = await start(1);
    const id = await mail.enqueue({ subject: 'Retry me', text: 'Second time lucky.' });

    const row = await sentRow(mail, id);
    expect(smtp.attempts).toBe(2);
    expect(smtp.accepted).toHaveLength(1);
    expect(row.attempts).toBe(2);
    expect(row.lastError).toBeNull();
  });

  it('a repeated job for a sent message sends nothing (idempotent handler)', async () => {
    const { smtp, mail } = await start();
    const id = await mail.enqueue({ subject: 'Only once', text: 'Once.' });
    await sentRow(mail, id);

    // What a relay that crashed between adding the job and committing would cause.
    const queue = new Queue(mail.queueName, { connection: { url: testConfig().redis.url }, prefix: mail.prefix });
    try {
      const repeat = await queue.add(SEND_EMAIL_JOB, { messageId: id }, { jobId: `repeat-${id}` });
      const outcome = await waitFor(async () => {
        const job = await queue.getJob(repeat.id ?? '');
        return (await job?.getState()) === 'completed' ? job?.returnvalue : undefined;
      });
      expect(outcome).toBe('already-sent');
      expect(smtp.accepted).toHaveLength(1);
    } finally {
      await queue.close();
    }
  });
});
