// acceptInvitation's abuse limits: per IP and per token, each with its own subgraph instance and
// a tight policy, so the budgets of other tests are never touched.
import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { createScopedToken } from '@omni/core';
import { startAuth } from './harness.js';
import { ACCEPT } from './invitations-fixtures.js';
import { resultOf } from './members-fixtures.js';

const newAccount = { name: 'New Person', password: 'a-long-enough-password' };

/** The error code of a RATE_LIMITED answer, or the typed result's name. */
const outcome = (response: { errors?: Array<{ extensions?: Record<string, unknown> }> } & Parameters<typeof resultOf>[0]) =>
  response.errors?.[0]?.extensions?.['code'] ?? resultOf<{ __typename: string }>(response, 'acceptInvitation').__typename;

describe('acceptInvitation, abuse limits', () => {
  test('per IP: calls beyond the budget are RATE_LIMITED before any lookup', async () => {
    const limited = await startAuth({
      abuse: {
        policies: {
          acceptInvitation: { ipPoints: 3, ipWindowSeconds: 60, failuresBeforeLockout: 100, lockoutBaseSeconds: 60, lockoutMaxSeconds: 60, lockoutMemorySeconds: 60 },
        },
      },
    });
    try {
      const client = { ip: `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`, userAgent: 'tests' };
      const codes = [];
      for (let i = 0; i < 4; i += 1) {
        const response = await limited.call(ACCEPT, { input: { token: createScopedToken('omi_', [randomUUID()]).token, ...newAccount } }, null, client);
        codes.push(outcome(response));
      }
      expect(codes).toEqual(['InvalidInvitation', 'InvalidInvitation', 'InvalidInvitation', 'RATE_LIMITED']);
    } finally {
      await limited.close();
    }
  });

  test('per token: repeated failures lock that token out', async () => {
    const limited = await startAuth({
      abuse: {
        policies: {
          acceptInvitation: { ipPoints: 100, ipWindowSeconds: 60, failuresBeforeLockout: 2, lockoutBaseSeconds: 60, lockoutMaxSeconds: 60, lockoutMemorySeconds: 60 },
        },
      },
    });
    try {
      const token = createScopedToken('omi_', [randomUUID()]).token;
      const codes = [];
      for (let i = 0; i < 3; i += 1) {
        const client = { ip: `10.8.${i}.${Math.floor(Math.random() * 250)}`, userAgent: 'tests' };
        const response = await limited.call(ACCEPT, { input: { token, ...newAccount } }, null, client);
        codes.push(outcome(response));
      }
      expect(codes).toEqual(['InvalidInvitation', 'InvalidInvitation', 'RATE_LIMITED']);
    } finally {
      await limited.close();
    }
  });
});
