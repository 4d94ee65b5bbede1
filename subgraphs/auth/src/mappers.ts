// What the resolvers of each GraphQL type receive as parent (graphql-codegen `mappers`): the
// Prisma rows, minus anything GraphQL must never see.
import type { Company, Role, User } from '@omni/core';

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
