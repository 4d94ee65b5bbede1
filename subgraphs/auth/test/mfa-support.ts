// Shared by the second-factor tests: TOTP codes from two independent generators (the `oathtool`
// CLI from OATH Toolkit, and otplib), the GraphQL documents, a user with TOTP turned on, and the
// sessions such a user opens.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { generate } from 'otplib';
import type { ClientInfo, Principal, UserPrincipal } from '@omni/core';
import { DEFAULT_POLICIES } from '../src/abuse/policies.js';
import type { AuthSubgraphDeps } from '../src/server.js';
import { signUp, uniqueSignUp, type AuthHarness, type AuthPayload, type GraphQLResponse } from './harness.js';
import { personFrom } from './session-fixtures.js';

export const STEP_SECONDS = 30;

/**
 * Abuse limits for test files whose calls all come from the harness's one IP: per-IP rates and
 * per-user lockouts out of the way (abuse-*.int.test.ts test them with the real policies).
 */
export const RELAXED_LIMITS: AuthSubgraphDeps = {
  abuse: {
    policies: {
      logIn: { ...DEFAULT_POLICIES.logIn, ipPoints: 10_000, failuresBeforeLockout: 1_000 },
      verifyMfa: { ...DEFAULT_POLICIES.verifyMfa, ipPoints: 10_000, failuresBeforeLockout: 1_000 },
    },
  },
};

/** Fails loudly when the independent generator is missing (Debian package `oathtool`). */
export function requireOathtool(): void {
  try {
    execFileSync('oathtool', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error('oathtool is not installed: these tests need it as an independent TOTP generator (apt-get install oathtool)');
  }
}

/** The code `oathtool` computes for `secret` at `atSeconds` (epoch), given as a UTC time. */
export function oathtoolCode(secret: string, atSeconds = Math.floor(Date.now() / 1000)): string {
  const utc = new Date(atSeconds * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  return execFileSync('oathtool', ['--totp', '-b', secret, '--now', utc], { encoding: 'utf8' }).trim();
}

export function otplibCode(secret: string, atSeconds = Math.floor(Date.now() / 1000)): Promise<string> {
  return generate({ secret, epoch: atSeconds });
}

/**
 * Waits until the current 30 s step has at least `margin` seconds left, so "now" in the test and
 * in the server fall into the same step. Returns the current time in epoch seconds.
 */
export async function midStep(margin = 6): Promise<number> {
  const left = STEP_SECONDS - ((Date.now() / 1000) % STEP_SECONDS);
  if (left < margin) await new Promise((resolve) => setTimeout(resolve, left * 1000 + 250));
  return Math.floor(Date.now() / 1000);
}

/** Another client than the harness default; IPs are random so per-IP budgets are not shared. */
export function someClient(): ClientInfo {
  const octet = () => Math.floor(Math.random() * 254) + 1;
  return { ip: `10.${octet()}.${octet()}.${octet()}`, userAgent: `mfa-tests-${randomUUID().slice(0, 8)}` };
}

export const ENROLL = /* GraphQL */ `
  mutation { enrollTotp { __typename ... on TotpEnrollment { secret otpauthUri qrCodeDataUrl } ... on UserError { code message } } }
`;

/** The fields of each result type; a document selects those its union can hold. */
const AUTH_PAYLOAD = '... on AuthPayload { accessToken refreshToken expiresAt user { id email role company { id } } }';
const FAILURES = '... on UserError { code message } ... on ValidationFailed { fields { field message } }';
const select = (...members: string[]) => ['__typename', ...members, FAILURES].join(' ');

export const LOG_IN_MFA = `mutation($input: LogInInput!) { logIn(input: $input) { ${select(AUTH_PAYLOAD, '... on MfaRequired { challenge expiresAt }')} } }`;
export const VERIFY = `mutation($input: VerifyMfaInput!) { verifyMfa(input: $input) { ${select(AUTH_PAYLOAD)} } }`;
export const CONFIRM = `mutation($input: ConfirmTotpInput!) { confirmTotp(input: $input) { ${select('... on RecoveryCodes { codes }')} } }`;
export const DISABLE = `mutation($input: DisableTotpInput!) { disableTotp(input: $input) { ${select('... on TotpDisabled { disabledAt }')} } }`;
export const REGENERATE = `mutation($input: RegenerateRecoveryCodesInput!) { regenerateRecoveryCodes(input: $input) { ${select('... on RecoveryCodes { codes }')} } }`;
export const ME_TOTP = /* GraphQL */ `query { me { id totpEnabled } }`;
export const CHANGE_PASSWORD_MFA = `mutation($input: ChangePasswordInput!) { changePassword(input: $input) { ${select('... on PasswordChanged { ok otherSessionsRevoked }')} } }`;
export const DISABLE_COUNTING = `mutation($input: DisableTotpInput!) { disableTotp(input: $input) { ${select('... on TotpDisabled { disabledAt otherSessionsRevoked }')} } }`;

/** Any member of the result unions, as the documents above select them. */
export interface MfaResult extends Partial<AuthPayload> {
  __typename: string;
  challenge?: string;
  codes?: string[];
  disabledAt?: string;
  ok?: boolean;
  otherSessionsRevoked?: number;
  code?: string;
  message?: string;
  fields?: Array<{ field: string; message: string }>;
}

/** Runs one of the documents above and returns its single result field. */
export async function mutate(auth: AuthHarness, document: string, input: unknown, principal: Principal | null = null, client?: ClientInfo) {
  const response: GraphQLResponse<Record<string, MfaResult>> = await auth.call(document, { input }, principal, client);
  return { response, result: Object.values(response.data ?? {})[0] };
}

export interface EnrolledUser {
  email: string;
  password: string;
  userId: string;
  companyId: string;
  principal: UserPrincipal;
  secret: string;
  recoveryCodes: string[];
}

/**
 * A fresh user with TOTP on. Confirmed with the previous step's code (also proving the −1 step
 * is accepted), which leaves the current and next steps free for the test.
 */
export async function enrolledUser(auth: AuthHarness): Promise<EnrolledUser> {
  const { input, payload } = await signUp(auth, uniqueSignUp());
  const principal = await personFrom(auth, payload.accessToken);
  const enrolment = (await auth.call<{ enrollTotp: { secret: string } }>(ENROLL, {}, principal)).data?.enrollTotp;
  if (!enrolment?.secret) throw new Error('enrolment failed');
  const now = await midStep();
  const { result } = await mutate(auth, CONFIRM, { code: oathtoolCode(enrolment.secret, now - STEP_SECONDS) }, principal);
  if (result?.__typename !== 'RecoveryCodes' || !result.codes) throw new Error(`confirmation failed: ${JSON.stringify(result)}`);
  return {
    email: input.email,
    password: input.password,
    userId: payload.user.id,
    companyId: payload.user.company.id,
    principal,
    secret: enrolment.secret,
    recoveryCodes: result.codes,
  };
}

/** logIn for an enrolled user; returns the challenge (fails the test otherwise). */
export async function challengeFor(auth: AuthHarness, user: EnrolledUser, client?: ClientInfo): Promise<string> {
  const { result } = await mutate(auth, LOG_IN_MFA, { email: user.email, password: user.password }, null, client);
  if (result?.__typename !== 'MfaRequired' || !result.challenge) throw new Error(`expected MfaRequired: ${JSON.stringify(result)}`);
  return result.challenge;
}

/** A session of an enrolled user: logIn, then verifyMfa with `code` (fails the test otherwise). */
export async function mfaSession(auth: AuthHarness, user: EnrolledUser, code: string): Promise<{ refreshToken: string; principal: UserPrincipal }> {
  const { result } = await mutate(auth, VERIFY, { challenge: await challengeFor(auth, user), code });
  if (result?.__typename !== 'AuthPayload' || !result.accessToken || !result.refreshToken) throw new Error(`verifyMfa failed: ${JSON.stringify(result)}`);
  return { refreshToken: result.refreshToken, principal: await personFrom(auth, result.accessToken) };
}

/**
 * Makes the user a MEMBER of another, fresh company and the company logIn opens sessions in from
 * now on; returns that company's id and its owner's principal.
 */
export async function joinAnotherCompany(auth: AuthHarness, userId: string): Promise<{ companyId: string; owner: UserPrincipal }> {
  const other = await signUp(auth);
  const companyId = other.payload.user.company.id;
  await auth.sql('INSERT INTO "Membership" ("companyId", "userId", role) VALUES ($1, $2, $3)', [companyId, userId, 'MEMBER']);
  await auth.sql('UPDATE "User" SET "defaultCompanyId" = $1 WHERE id = $2', [companyId, userId]);
  return { companyId, owner: await personFrom(auth, other.payload.accessToken) };
}
