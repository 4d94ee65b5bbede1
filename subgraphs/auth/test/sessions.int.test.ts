// sessions, revokeSession and logOut: a person sees and ends only their own sessions in the
// current company; each ending is audited and published to the gateways at once.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MODULES, type Principal } from '@omni/core';
import { signUp, startAuth, type AuthHarness } from './harness.js';
import { auditOf, codesOf, LOG_OUT, logIn, personFrom, refresh, REVOKE_SESSION, SESSIONS, SessionStates, sessionRow, type SessionResult } from './session-fixtures.js';

let auth: AuthHarness;
let states: SessionStates;
beforeAll(async () => {
  auth = await startAuth();
  states = new SessionStates(auth);
});
afterAll(async () => {
  states?.close();
  await auth?.close();
});

interface SessionItem {
  id: string;
  userAgent: string | null;
  ip: string | null;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  current: boolean;
}

async function sessionsOf(principal: Principal): Promise<SessionItem[]> {
  const response = await auth.call<{ sessions: SessionItem[] }>(SESSIONS, {}, principal);
  if (!response.data) throw new Error(JSON.stringify(response.errors));
  return response.data.sessions;
}

async function revoke(principal: Principal, id: string): Promise<SessionResult | undefined> {
  const response = await auth.call<{ revokeSession: SessionResult }>(REVOKE_SESSION, { id }, principal);
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data?.revokeSession;
}

/** An account with three sessions in its company: sign-up and two log-ins, oldest first. */
async function personWithThreeSessions() {
  const { input, payload } = await signUp(auth);
  const first = { ...payload, principal: await personFrom(auth, payload.accessToken) };
  const second = await logIn(auth, input);
  const third = await logIn(auth, input);
  return { input, sessions: [first, second, third] };
}

const NOT_FOUND = { __typename: 'SessionNotFound', code: 'NOT_FOUND', message: expect.any(String) };

describe.concurrent('sessions', () => {
  test('lists the caller’s live sessions, newest first, marking the current one', async () => {
    const { sessions } = await personWithThreeSessions();
    const [first, second, third] = sessions.map((s) => s.principal);
    await auth.sql(`UPDATE "Session" SET "expiresAt" = now() - interval '1 second' WHERE id = $1`, [first!.sessionId]);
    // Someone else in another company, to show they are not listed.
    await signUp(auth);

    const listed = await sessionsOf(second!);

    expect(listed.map((s) => s.id)).toEqual([third!.sessionId, second!.sessionId]);
    expect(listed.map((s) => s.current)).toEqual([false, true]);
    expect(listed[0]).toMatchObject({ userAgent: 'auth-tests', ip: '127.0.0.1', createdAt: expect.any(String), lastUsedAt: expect.any(String) });
    expect(new Date(listed[0]!.expiresAt).getTime()).toBeGreaterThan(Date.now());
  });

  test('does not list another member’s sessions in the same company', async () => {
    const owner = await signUp(auth);
    const other = await signUp(auth);
    const companyId = owner.payload.user.company.id;
    await auth.sql('INSERT INTO "Membership" ("companyId", "userId", role) VALUES ($1, $2, $3)', [companyId, other.payload.user.id, 'MEMBER']);
    await auth.sql('UPDATE "User" SET "defaultCompanyId" = $1 WHERE id = $2', [companyId, other.payload.user.id]);
    const othersSession = await logIn(auth, other.input);
    expect(othersSession.principal.companyId).toBe(companyId);

    const ownerPrincipal = await personFrom(auth, owner.payload.accessToken);
    expect((await sessionsOf(ownerPrincipal)).map((s) => s.id)).toEqual([ownerPrincipal.sessionId]);

    // Revoking it is answered exactly like a random id, and changes nothing.
    expect(await revoke(ownerPrincipal, othersSession.principal.sessionId)).toEqual(NOT_FOUND);
    expect(await revoke(ownerPrincipal, randomUUID())).toEqual(NOT_FOUND);
    expect(await sessionRow(auth, othersSession.principal.sessionId)).toMatchObject({ revokedAt: null });
  });

  test('revokeSession ends one own session: listed no more, refresh refused, audited, published', async () => {
    const { sessions } = await personWithThreeSessions();
    const [first, second] = sessions;

    expect(await revoke(first!.principal, second!.principal.sessionId)).toEqual({ __typename: 'SessionRevoked', id: second!.principal.sessionId });

    expect((await sessionsOf(first!.principal)).map((s) => s.id)).not.toContain(second!.principal.sessionId);
    expect(await sessionRow(auth, second!.principal.sessionId)).toMatchObject({ revokedAt: expect.any(Date), revokedReason: 'REVOKED' });
    expect(await refresh(auth, second!.refreshToken)).toMatchObject({ __typename: 'InvalidRefreshToken' });
    expect(await states.of(second!.principal.sessionId)).toEqual({ status: 'revoked' });
    expect(await auditOf(auth, first!.principal.companyId, 'SESSION_REVOKED')).toEqual([
      expect.objectContaining({ actorUserId: first!.principal.userId, targetId: second!.principal.sessionId, metadata: { reason: 'REVOKED' } }),
    ]);
    // Once ended, it is not found any more; the other sessions are untouched.
    expect(await revoke(first!.principal, second!.principal.sessionId)).toEqual(NOT_FOUND);
    expect(await refresh(auth, first!.refreshToken)).toMatchObject({ __typename: 'AuthPayload' });
  });

  test('another company’s session id is not found', async () => {
    const mine = await signUp(auth);
    const theirs = await signUp(auth);
    const theirPrincipal = await personFrom(auth, theirs.payload.accessToken);

    expect(await revoke(await personFrom(auth, mine.payload.accessToken), theirPrincipal.sessionId)).toEqual(NOT_FOUND);
    expect(await sessionRow(auth, theirPrincipal.sessionId)).toMatchObject({ revokedAt: null });
  });

  test.each([
    ['not an id', 'nope'],
    ['oversized', 'x'.repeat(10_000)],
  ])('revokeSession with an id that is %s gives ValidationFailed naming it and writes nothing', async (_case, id) => {
    const { payload } = await signUp(auth);
    const principal = await personFrom(auth, payload.accessToken);
    const result = await revoke(principal, id);
    expect(result).toMatchObject({ __typename: 'ValidationFailed', code: 'VALIDATION_FAILED' });
    expect(result?.fields?.map((f) => f.field)).toEqual(['id']);
    expect(await sessionRow(auth, principal.sessionId)).toMatchObject({ revokedAt: null });
    expect(await auditOf(auth, principal.companyId, 'SESSION_REVOKED')).toEqual([]);
  });

  test('logOut ends the current session only, is idempotent, and is audited and published', async () => {
    const { sessions } = await personWithThreeSessions();
    const [first, second] = sessions;

    const response = await auth.call(LOG_OUT, {}, first!.principal);

    expect(response.data).toEqual({ logOut: { __typename: 'LoggedOut', sessionId: first!.principal.sessionId } });
    expect(await sessionRow(auth, first!.principal.sessionId)).toMatchObject({ revokedReason: 'LOGOUT' });
    expect(await sessionRow(auth, second!.principal.sessionId)).toMatchObject({ revokedAt: null });
    expect(await states.of(first!.principal.sessionId)).toEqual({ status: 'revoked' });
    expect(await refresh(auth, first!.refreshToken)).toMatchObject({ __typename: 'InvalidRefreshToken' });
    expect((await auth.call(LOG_OUT, {}, first!.principal)).data).toEqual(response.data);
    expect(await auditOf(auth, first!.principal.companyId, 'SESSION_REVOKED')).toHaveLength(1);
  });

  test('API keys and anonymous callers have no sessions', async () => {
    const { payload } = await signUp(auth);
    const companyId = payload.user.company.id;
    const apiKey: Principal = { kind: 'apiKey', apiKeyId: randomUUID(), serviceAccountId: randomUUID(), companyId, scopes: ['members:manage'], modules: [...MODULES] };
    for (const [query, variables] of [[SESSIONS, {}], [LOG_OUT, {}], [REVOKE_SESSION, { id: randomUUID() }]] as const) {
      expect(codesOf(await auth.call(query, variables, apiKey))).toEqual(['FORBIDDEN']);
      expect(codesOf(await auth.call(query, variables, null))).toEqual(['UNAUTHENTICATED']);
    }
  });
});
