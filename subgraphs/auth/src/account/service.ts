// Accounts: sign-up, the signed-in user, and users and companies as federation entities.
// Reads go through per-request DataLoaders inside the caller's tenant transaction, so one
// operation batches its lookups and row-level security hides other companies' rows.
import { randomUUID } from 'node:crypto';
import {
  AppError,
  byKeys,
  isUniqueViolation,
  requirePrincipal,
  violatedConstraint,
  type ClientInfo,
  type Database,
  type RequestContext,
  type Role,
} from '@omni/core';
import type { CompanyMapper, UserMapper, UserRecord } from '../mappers.js';
import type { PasswordHasher } from '../passwords/hasher.js';
import type { AuthPayloadResult, SessionService } from '../session/service.js';
import { findCompaniesByIds, findRoles, findUsersByIds, insertAccount } from './repository.js';
import type { SignUpInput } from './validation.js';

export interface EmailAlreadyRegisteredResult {
  __typename: 'EmailAlreadyRegistered';
  code: 'CONFLICT';
  message: string;
}

export interface AccountServiceDeps {
  database: Database;
  hasher: PasswordHasher;
  sessions: SessionService;
}

/** The unique index on User.email (Prisma's default name). */
const EMAIL_UNIQUE_INDEX = 'User_email_key';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class AccountService {
  constructor(private readonly deps: AccountServiceDeps) {}

  /**
   * Company, OWNER membership, user and first session in one transaction: either all exist
   * afterwards or none does. Ids are generated here because row-level security checks them on
   * insert (the transaction runs as the new user in the new company).
   */
  async signUp(input: SignUpInput, client: ClientInfo): Promise<AuthPayloadResult | EmailAlreadyRegisteredResult> {
    const { database, hasher, sessions } = this.deps;
    const passwordHash = await hasher.hash(input.password);
    const scope = { companyId: randomUUID(), userId: randomUUID() };
    const role: Role = 'OWNER';
    let created;
    try {
      created = await database.withTenant(scope, async (tx) => {
        const { company, user } = await insertAccount(tx, {
          company: { id: scope.companyId, name: input.companyName },
          user: { id: scope.userId, email: input.email, name: input.name, passwordHash },
          role,
        });
        return { company, user, session: await sessions.open(tx, scope, client) };
      });
    } catch (error) {
      // The email is the only unique value a caller chooses (ids and token hash are random), so
      // a violation that does not name its index is taken to be the email too.
      if (isUniqueViolation(error) && (violatedConstraint(error) ?? EMAIL_UNIQUE_INDEX) === EMAIL_UNIQUE_INDEX) {
        return { __typename: 'EmailAlreadyRegistered', code: 'CONFLICT', message: 'This email is already registered. Sign in instead.' };
      }
      throw error;
    }
    return sessions.payload(created.session, created.user, { role, company: created.company });
  }

  me(ctx: RequestContext): Promise<UserMapper | null> {
    const principal = requirePrincipal(ctx);
    // API keys act for a service account, not for a person.
    if (principal.kind !== 'user') return Promise.resolve(null);
    return this.userById(ctx, principal.userId);
  }

  /** Null when the id is not a user the caller's company can see. */
  async userById(ctx: RequestContext, id: string): Promise<UserRecord | null> {
    if (!UUID.test(id)) return null;
    return ctx.loaders
      .get<string, UserRecord>('userById', async (ids) => byKeys(ids, await ctx.db.run((tx) => findUsersByIds(tx, ids)), (u) => u.id))
      .load(id);
  }

  async companyById(ctx: RequestContext, id: string): Promise<CompanyMapper | null> {
    if (!UUID.test(id)) return null;
    return ctx.loaders
      .get<string, CompanyMapper>('companyById', async (ids) => byKeys(ids, await ctx.db.run((tx) => findCompaniesByIds(tx, ids)), (c) => c.id))
      .load(id);
  }

  /** The user's role in the caller's company. */
  async roleOf(ctx: RequestContext, userId: string): Promise<Role> {
    const { companyId } = requirePrincipal(ctx);
    const role = await ctx.loaders
      .get<string, { userId: string; role: Role }>('roleByUserId', async (ids) =>
        byKeys(ids, await ctx.db.run((tx) => findRoles(tx, companyId, ids)), (m) => m.userId),
      )
      .load(userId);
    // Visible but not a member: the user was removed from the company after the token was issued.
    if (!role) throw new AppError('NOT_FOUND');
    return role.role;
  }

  /** The caller's company (the one their token is for). */
  async sessionCompany(ctx: RequestContext): Promise<CompanyMapper> {
    const company = await this.companyById(ctx, requirePrincipal(ctx).companyId);
    if (!company) throw new AppError('NOT_FOUND');
    return company;
  }
}
