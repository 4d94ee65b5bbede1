// The outbox's transactional promises, and the development mailbox an operator reads:
// a rolled-back transaction sends nothing; a committed one is relayed at once (the commit
// notification), not at the next poll; `pnpm mailbox` lists and shows what the mailbox holds.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { testConfig, testEnv } from '@omni/core/testing';
import { isolatedDelivery, waitFor, type IsolatedDelivery } from './email-fixtures.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('email outbox', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function deliveryToMailbox(pollIntervalMs: number): Promise<{ mail: IsolatedDelivery; dir: string }> {
    const dir = await mkdtemp(join(tmpdir(), 'omni-mailbox-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const mail = isolatedDelivery(testConfig({ MAILBOX_DIR: dir }), { pollIntervalMs });
    cleanups.push(() => mail.close());
    await mail.delivery.start();
    return { mail, dir };
  }

  it('writes nothing when the caller’s transaction rolls back', async () => {
    const { mail } = await deliveryToMailbox(200);
    const to = mail.recipient();
    const failure = new Error('the change failed after the mail was written');
    await expect(
      mail.database.withTenant({ companyId: randomUUID() }, async (tx) => {
        await mail.delivery.outbox.enqueue(tx, { to, subject: 'Never', text: 'Never sent.' });
        throw failure;
      }),
    ).rejects.toBe(failure);
    await sleep(1_000);
    expect(await mail.database.prisma.emailMessage.count({ where: { to } })).toBe(0);
  });

  it('relays a committed message at once, without waiting for the next poll', async () => {
    const { mail } = await deliveryToMailbox(60_000);
    await sleep(300); // the start-up pass is over; from now on only the commit notification can wake the relay
    const id = await mail.enqueue({ subject: 'Fast', text: 'Right away.' });
    const row = await waitFor(async () => {
      const found = await mail.database.prisma.emailMessage.findUnique({ where: { id } });
      return found?.sentAt ? found : undefined;
    }, 5_000);
    expect(row.sentAt).not.toBeNull();
  });

  it('pnpm mailbox lists the messages and shows one', async () => {
    const { mail, dir } = await deliveryToMailbox(200);
    const to = mail.recipient();
    const subject = `Mailbox check ${randomUUID()}`;
    const id = await mail.enqueue({ to, subject, text: 'Hello operator.\nhttps://app.example.test/x?token=omp_abc' });
    await waitFor(async () => (await mail.database.prisma.emailMessage.findUnique({ where: { id } }))?.sentAt);

    const run = (...args: string[]) =>
      promisify(execFile)(join(ROOT, 'node_modules/.bin/tsx'), ['scripts/mailbox.ts', ...args], { cwd: ROOT, env: testEnv({ MAILBOX_DIR: dir }) });
    const listing = (await run()).stdout;
    expect(listing).toContain('1 message(s)');
    expect(listing).toMatch(new RegExp(`\\s1\\s+\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\s+${to}\\s+${subject}`));
    for (const selector of ['1', id.slice(0, 8)]) {
      const shown = (await run('show', selector)).stdout;
      expect(shown).toContain(`Subject: ${subject}`);
      expect(shown).toContain('Hello operator.\nhttps://app.example.test/x?token=omp_abc');
    }
    await expect(run('show', '2')).rejects.toMatchObject({ stderr: expect.stringContaining('no message 2') });
  });
});
