// Fixtures for the password-reset tests: the operations, a client IP per test (so the per-IP
// reset limit of one test never spends another's budget), and the reset link read back from the
// development mailbox the auth process's send-email worker writes to.
import { randomInt } from 'node:crypto';
import { expect } from 'vitest';
import type { ClientInfo } from '@omni/core';
import { readMailbox, resolveMailboxDir, type MailboxEntry } from '../src/email/mailbox.js';
import { waitFor } from './email-fixtures.js';
import type { AuthHarness, GraphQLResponse } from './harness.js';

export const REQUEST_PASSWORD_RESET = /* GraphQL */ `
  mutation RequestPasswordReset($input: RequestPasswordResetInput!) {
    requestPasswordReset(input: $input) {
      __typename
      ... on PasswordResetRequested { message }
      ... on ValidationFailed { code message fields { field message } }
    }
  }
`;

export const RESET_PASSWORD = /* GraphQL */ `
  mutation ResetPassword($input: ResetPasswordInput!) {
    resetPassword(input: $input) {
      __typename
      ... on PasswordResetCompleted { message }
      ... on UserError { code message }
      ... on ValidationFailed { fields { field message } }
    }
  }
`;

export interface ResetResult {
  __typename: 'PasswordResetRequested' | 'PasswordResetCompleted' | 'InvalidResetToken' | 'ValidationFailed';
  code?: string;
  message?: string;
  fields?: Array<{ field: string; message: string }>;
}

/** A made-up client address, different for every call site that asks. */
export function clientIp(): ClientInfo {
  return { ip: `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`, userAgent: 'password-reset-tests' };
}

export function requestReset(auth: AuthHarness, email: unknown, client = clientIp()) {
  return auth.call<{ requestPasswordReset: ResetResult }>(REQUEST_PASSWORD_RESET, { input: { email } }, null, client);
}

export function resetPassword(auth: AuthHarness, token: unknown, newPassword: unknown, client = clientIp()) {
  return auth.call<{ resetPassword: ResetResult }>(RESET_PASSWORD, { input: { token, newPassword } }, null, client);
}

/** The result, or the test fails with the whole response. */
export function resultOf<K extends string>(response: GraphQLResponse<Record<K, ResetResult>>, field: K): ResetResult {
  const result = response.data?.[field];
  if (!result) throw new Error(`${field} failed: ${JSON.stringify(response)}`);
  return result;
}

/** Every message to `recipient` in the auth harness's mailbox since `since`. */
export async function mailTo(auth: AuthHarness, recipient: string, since: Date): Promise<MailboxEntry[]> {
  const messages = await readMailbox(resolveMailboxDir(auth.config.mail.mailboxDir), new Date(since.getTime() - 60_000));
  return messages.filter((m) => m.to.includes(recipient));
}

/** Waits for the `count`-th reset mail to `recipient` and returns the tokens of all of them, oldest first. */
export async function resetTokensFromMailbox(auth: AuthHarness, recipient: string, since: Date, count = 1): Promise<string[]> {
  // Any auth process of the test run may deliver the mail; if the one that took the job stops
  // mid-delivery, BullMQ hands the stalled job to another worker after its 30 s lock.
  const messages = await waitFor(async () => {
    const found = await mailTo(auth, recipient, since);
    return found.length >= count ? found : undefined;
  }, 45_000);
  return messages.map((m) => {
    const link = /(\S+\/reset-password\?token=\S+)/.exec(m.text)?.[1];
    if (!link) throw new Error(`no reset link in: ${m.text}`);
    expect(link.startsWith(`${auth.config.mail.publicAppUrl}/reset-password?token=omp_`)).toBe(true);
    return new URL(link).searchParams.get('token') ?? '';
  });
}
