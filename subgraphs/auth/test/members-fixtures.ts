// Fixtures for the tenancy tests (members, invitations, company, audit, switching): companies
// with people in given roles, principals as the gateway would build them, and readers for what
// the subgraph wrote (rows, live principal state in Redis, queued email).
import { randomUUID } from 'node:crypto';
import { createRedis, MODULES, SecretBox, type Principal, type Redis, type Role, type UserPrincipal } from '@omni/core';
import { principalFrom, signUp, type AuthHarness, type GraphQLResponse } from './harness.js';

export interface Person {
  userId: string;
  email: string;
  password: string;
  /** Signed in to the fixture's company with the person's role there. */
  principal: Principal;
}

export interface CompanyFixture {
  companyId: string;
  owner: Person;
  /** One person per requested role, in the order asked for. */
  people: Person[];
}

/** A principal for `userId` in `companyId`, as the gateway derives it from a token and live state. */
export function principalOf(userId: string, companyId: string, role: Role, sessionId: string = randomUUID()): Principal {
  return { kind: 'user', userId, companyId, role, sessionId, modules: [...MODULES] };
}

/** An API key principal of `companyId` with the given scopes. */
export function apiKeyPrincipal(companyId: string, scopes: Extract<Principal, { kind: 'apiKey' }>['scopes']): Principal {
  return { kind: 'apiKey', apiKeyId: randomUUID(), serviceAccountId: randomUUID(), companyId, scopes, modules: [...MODULES] };
}

/**
 * Signs up an owner (with a new company) and one person per role, each added to the owner's
 * company directly in the database (each person also owns a company of their own from sign-up).
 */
export async function companyWith(auth: AuthHarness, roles: Role[] = []): Promise<CompanyFixture> {
  const owner = await signUp(auth);
  const companyId = owner.payload.user.company.id;
  const people = await Promise.all(
    roles.map(async (role) => {
      const person = await signUp(auth);
      await auth.sql('INSERT INTO "Membership" ("companyId", "userId", role) VALUES ($1, $2, $3)', [companyId, person.payload.user.id, role]);
      return { userId: person.payload.user.id, email: person.input.email, password: person.input.password, principal: principalOf(person.payload.user.id, companyId, role) };
    }),
  );
  return {
    companyId,
    owner: { userId: owner.payload.user.id, email: owner.input.email, password: owner.input.password, principal: await principalFrom(auth, owner.payload.accessToken) },
    people,
  };
}

/** The single typed result of a mutation, failing loudly on GraphQL errors. */
export function resultOf<T = Record<string, unknown>>(response: GraphQLResponse<Record<string, unknown>>, field: string): T {
  if (response.errors?.length) throw new Error(`${field} failed: ${JSON.stringify(response.errors)}`);
  return response.data?.[field] as T;
}

/** The error codes of a response. */
export const codesOf = (response: GraphQLResponse<unknown>) => response.errors?.map((e) => e.extensions?.['code']);

export async function membershipOf(auth: AuthHarness, companyId: string, userId: string) {
  const [row] = await auth.sql<{ role: Role; version: number }>('SELECT role, version FROM "Membership" WHERE "companyId" = $1 AND "userId" = $2', [
    companyId,
    userId,
  ]);
  return row ?? null;
}

export async function auditActions(auth: AuthHarness, companyId: string): Promise<string[]> {
  const rows = await auth.sql<{ action: string }>('SELECT action FROM "AuditEvent" WHERE "companyId" = $1 ORDER BY "createdAt", id', [companyId]);
  return rows.map((r) => r.action);
}

/** Reads the live principal state the gateway would read. */
export class LiveState {
  private readonly redis: Redis;
  constructor(auth: AuthHarness) {
    this.redis = createRedis(auth.config.redis.url, 'tenancy-tests');
  }
  async get(key: string): Promise<unknown> {
    const value = await this.redis.get(key);
    return value === null ? null : JSON.parse(value);
  }
  close(): void {
    this.redis.disconnect();
  }
}

/** The bodies of the mail queued for `to`, decrypted, oldest first. */
export async function mailTo(auth: AuthHarness, to: string): Promise<Array<{ subject: string; text: string; sealed: string }>> {
  const box = new SecretBox(auth.config.dataEncryptionKey);
  const rows = await auth.sql<{ subject: string; body: string }>('SELECT subject, body FROM "EmailMessage" WHERE "to" = $1 ORDER BY "createdAt", id', [to]);
  return rows.map((row) => ({ subject: row.subject, text: box.decrypt(row.body), sealed: row.body }));
}

/** The invitation secret in the newest invitation email to `to`. */
export async function invitationTokenFor(auth: AuthHarness, to: string): Promise<string> {
  const mails = await mailTo(auth, to);
  const match = /accept-invitation\?token=([^\s]+)/.exec(mails.at(-1)?.text ?? '');
  if (!match?.[1]) throw new Error(`no invitation email to ${to}`);
  return decodeURIComponent(match[1]);
}

export const uniqueEmail = () => `invitee-${randomUUID()}@example.test`;

export const SWITCH_COMPANY = /* GraphQL */ `
  mutation SwitchCompany($input: SwitchCompanyInput!) {
    switchCompany(input: $input) {
      __typename
      ... on AuthPayload { accessToken refreshToken expiresAt user { id email role company { id name } } }
      ... on UserError { code message }
      ... on ValidationFailed { fields { field message } }
    }
  }
`;

/** Opens a real session of `person` in `companyId` through switchCompany; returns its principal. */
export async function sessionIn(auth: AuthHarness, person: Person, companyId: string): Promise<UserPrincipal> {
  const response = await auth.call<{ switchCompany: { __typename: string; accessToken?: string } }>(SWITCH_COMPANY, { input: { companyId } }, person.principal);
  const result = response.data?.switchCompany;
  if (result?.__typename !== 'AuthPayload' || !result.accessToken) throw new Error(`switchCompany failed: ${JSON.stringify(response)}`);
  return (await principalFrom(auth, result.accessToken)) as UserPrincipal;
}
