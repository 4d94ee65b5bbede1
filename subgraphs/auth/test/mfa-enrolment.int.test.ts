// Turning TOTP on: enrollTotp (secret, otpauth URI, QR code; stored encrypted, inactive) and
// confirmTotp (a code from an independent generator turns it on and yields recovery codes once).
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MODULES, type Principal } from '@omni/core';
import { principalFrom, signUp, startAuth, type AuthHarness } from './harness.js';
import { CONFIRM, ENROLL, ME_TOTP, enrolledUser, midStep, mutate, oathtoolCode, otplibCode, RELAXED_LIMITS, requireOathtool } from './mfa-support.js';

let auth: AuthHarness;
beforeAll(async () => {
  requireOathtool();
  auth = await startAuth(RELAXED_LIMITS);
});
afterAll(() => auth?.close());

async function freshUser() {
  const { input, payload } = await signUp(auth);
  return { input, userId: payload.user.id, principal: await principalFrom(auth, payload.accessToken) };
}

async function enroll(principal: Principal) {
  const response = await auth.call<{ enrollTotp: { __typename: string; secret: string; otpauthUri: string; qrCodeDataUrl: string; code?: string } }>(ENROLL, {}, principal);
  return response.data?.enrollTotp;
}

async function totpColumns(userId: string) {
  const [row] = await auth.sql<{ totpSecret: string | null; totpEnabledAt: Date | null; totpLastStep: string | null }>(
    'SELECT "totpSecret", "totpEnabledAt", "totpLastStep" FROM "User" WHERE id = $1',
    [userId],
  );
  return row;
}

const count = async (sql: string, id: string) => Number((await auth.sql<{ n: string }>(sql, [id]))[0]?.n);
const recoveryCodeCount = (userId: string) => count('SELECT count(*) AS n FROM "RecoveryCode" WHERE "userId" = $1', userId);
const auditCount = (userId: string, action: string) =>
  count(`SELECT count(*) AS n FROM "AuditEvent" WHERE "actorUserId" = $1 AND action = '${action}'`, userId);

describe.concurrent('enrollTotp', () => {
  test('returns a base32 secret, its otpauth URI and QR code; stores the secret encrypted and inactive', async () => {
    const { input, userId, principal } = await freshUser();
    const enrolment = await enroll(principal);

    expect(enrolment?.__typename).toBe('TotpEnrollment');
    expect(enrolment?.secret).toMatch(/^[A-Z2-7]{32}$/); // 20 bytes
    const uri = new URL(String(enrolment?.otpauthUri));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe(`/OMNI:${input.email}`);
    expect(Object.fromEntries(uri.searchParams)).toMatchObject({ secret: enrolment?.secret, issuer: 'OMNI' });
    expect(enrolment?.qrCodeDataUrl).toMatch(/^data:image\/png;base64,/);
    const png = Buffer.from(String(enrolment?.qrCodeDataUrl).split(',')[1] ?? '', 'base64');
    expect(png.subarray(1, 4).toString()).toBe('PNG');

    const stored = await totpColumns(userId);
    expect(stored?.totpSecret).toBeTruthy();
    expect(stored?.totpSecret).not.toContain(String(enrolment?.secret));
    expect(stored?.totpSecret).not.toMatch(/^[A-Z2-7]+=*$/);
    expect(stored?.totpEnabledAt).toBeNull();
    expect((await auth.call<{ me: { totpEnabled: boolean } }>(ME_TOTP, {}, principal)).data?.me.totpEnabled).toBe(false);
  });

  test('is refused for API keys and anonymous callers', async () => {
    const { principal } = await freshUser();
    const apiKey: Principal = {
      kind: 'apiKey',
      apiKeyId: randomUUID(),
      serviceAccountId: randomUUID(),
      companyId: principal.companyId,
      scopes: ['members:manage'],
      modules: [...MODULES],
    };
    expect((await auth.call(ENROLL, {}, apiKey)).errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect((await auth.call(ENROLL, {}, null)).errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });
});

describe.concurrent('confirmTotp', () => {
  test('a code from oathtool turns TOTP on and returns 10 recovery codes, stored only as hashes', async () => {
    const { userId, principal } = await freshUser();
    const enrolment = await enroll(principal);
    const { result } = await mutate(auth, CONFIRM, { code: oathtoolCode(String(enrolment?.secret), await midStep()) }, principal);

    expect(result?.__typename).toBe('RecoveryCodes');
    const codes = result?.codes ?? [];
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z0-9]{5}-[a-z0-9]{5}$/);
    const stored = await auth.sql<{ codeHash: string }>('SELECT "codeHash" FROM "RecoveryCode" WHERE "userId" = $1', [userId]);
    const sha256 = (code: string) => createHash('sha256').update(code).digest('hex');
    expect(stored.map((r) => r.codeHash).sort()).toEqual(codes.map(sha256).sort());

    expect((await totpColumns(userId))?.totpEnabledAt).toBeInstanceOf(Date);
    expect(await auditCount(userId, 'MFA_ENROLLED')).toBe(1);
    expect((await auth.call<{ me: { totpEnabled: boolean } }>(ME_TOTP, {}, principal)).data?.me.totpEnabled).toBe(true);
  });

  test('a code from otplib works as well', async () => {
    const { principal } = await freshUser();
    const enrolment = await enroll(principal);
    const { result } = await mutate(auth, CONFIRM, { code: await otplibCode(String(enrolment?.secret), await midStep()) }, principal);
    expect(result?.__typename).toBe('RecoveryCodes');
  });

  test('once on, enrolling again is a CONFLICT and keeps the secret', async () => {
    const user = await enrolledUser(auth);
    const before = await totpColumns(user.userId);
    const again = await enroll(user.principal);
    expect(again).toEqual({ __typename: 'TotpAlreadyEnabled', code: 'CONFLICT', message: expect.any(String) });
    expect(await totpColumns(user.userId)).toEqual(before);
  });

  test('a wrong code, or no pending enrolment, turns nothing on and writes nothing', async () => {
    const { userId, principal } = await freshUser();
    const notEnrolled = await mutate(auth, CONFIRM, { code: '123456' }, principal);
    expect(notEnrolled.result).toEqual({ __typename: 'TotpNotEnrolled', code: 'CONFLICT', message: expect.any(String) });

    const enrolment = await enroll(principal);
    const now = await midStep();
    const wrongStep = oathtoolCode(String(enrolment?.secret), now + 5 * 30);
    const wrong = await mutate(auth, CONFIRM, { code: wrongStep }, principal);
    expect(wrong.result).toEqual({ __typename: 'InvalidMfaCode', code: 'INVALID_CREDENTIALS', message: expect.any(String) });
    expect((await totpColumns(userId))?.totpEnabledAt).toBeNull();
    expect(await recoveryCodeCount(userId)).toBe(0);
    expect(await auditCount(userId, 'MFA_ENROLLED')).toBe(0);
  });

  test.each([
    ['five digits', '12345'],
    ['letters', 'abcdef'],
    ['a recovery code (confirming needs the app)', 'abcde-fghjk'],
  ])('rejects %s as ValidationFailed naming input.code', async (_case, code) => {
    const { userId, principal } = await freshUser();
    await enroll(principal);
    const { result } = await mutate(auth, CONFIRM, { code }, principal);
    expect(result).toMatchObject({ __typename: 'ValidationFailed', code: 'VALIDATION_FAILED' });
    expect(result?.fields?.map((f) => f.field)).toEqual(['input.code']);
    expect((await totpColumns(userId))?.totpEnabledAt).toBeNull();
    expect(await recoveryCodeCount(userId)).toBe(0);
  });
});
