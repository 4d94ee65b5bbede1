// What the resolvers of each GraphQL type receive as parent (graphql-codegen `mappers`): the
// Prisma rows, minus anything GraphQL must never see.
import type { Company, Role, User } from '@omni/core';
import type { ApiKeyRecord, ServiceAccountRecord } from './api-keys/repository.js';
import type { AuditEventRecord } from './audit/repository.js';
import type { InvitationRecord } from './invitations/repository.js';
import type { MemberRecord } from './members/repository.js';

/** A user row without its secrets (password hash, TOTP secret), which are never loaded for GraphQL. */
export type UserRecord = Omit<User, 'passwordHash' | 'totpSecret' | 'totpLastStep'>;

/** Role and company of a session opened in this very request (signUp, logIn). */
export interface NewSessionView {
  role: Role;
  company: CompanyMapper;
}

export type UserMapper = UserRecord & {
  /**
   * Set only on the user of an AuthPayload. The caller holds no access token yet, so role and
   * company cannot come from the request's principal; this also tells the permission rules that
   * the caller has just proved to be this user.
   */
  newSession?: NewSessionView;
};

export type CompanyMapper = Company & {
  /** Set when reached through a UserMapper's newSession (see there). */
  newSession?: true;
};

/** Service accounts and API keys as stored (the key's hash is never loaded for GraphQL). */
export type ServiceAccountMapper = ServiceAccountRecord;
export type ApiKeyMapper = ApiKeyRecord;

/** Memberships, invitations (without the token hash) and audit events as stored. */
export type MemberMapper = MemberRecord;
export type InvitationMapper = InvitationRecord;
export type AuditEventMapper = AuditEventRecord;
