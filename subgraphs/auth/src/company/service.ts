// Tenancy and company settings: the companies a person belongs to, switching the session to
// another of them (a token is always for exactly one company), and the company's modules.
import { AppError, OPTIONAL_MODULES, requirePrincipal, type Company, type Database, type RequestContext, type UserPrincipal } from '@omni/core';
import { findCompaniesByIds, findUsersByIds } from '../account/repository.js';
import { recordAudit } from '../audit/recorder.js';
import { publishAfterCommit } from '../common/after-commit.js';
import { notAMember, type NotAMemberResult } from '../members/results.js';
import type { PrincipalStatePublisher } from '../principal-state/publisher.js';
import type { AuthPayloadResult, SessionService } from '../session/service.js';
import { enabledModules, liveModules, moduleName } from './modules.js';
import { findMyCompanies, lockMembershipForSession, lockModules, setDefaultCompany, updateModules } from './repository.js';
import type { SetModuleEnabledInput, SwitchCompanyInput } from './validation.js';

export interface CompanyMembershipView {
  companyId: string;
  companyName: string;
  role: UserPrincipal['role'];
  joinedAt: string;
  current: boolean;
}

export interface ModuleSwitchedResult {
  __typename: 'ModuleSwitched';
  module: SetModuleEnabledInput['module'];
  enabled: boolean;
  company: Company;
}

export interface CompanyServiceDeps {
  database: Database;
  sessions: SessionService;
  state: PrincipalStatePublisher;
}

/** The caller as a person; the shield rule (isUser) already refused API keys. */
function requireUser(ctx: RequestContext): UserPrincipal {
  const principal = requirePrincipal(ctx);
  if (principal.kind !== 'user') throw new AppError('FORBIDDEN');
  return principal;
}

export class CompanyService {
  constructor(private readonly deps: CompanyServiceDeps) {}

  async myCompanies(ctx: RequestContext): Promise<CompanyMembershipView[]> {
    const principal = requireUser(ctx);
    const rows = await ctx.db.run(findMyCompanies);
    return rows.map((row) => ({ ...row, joinedAt: row.joinedAt.toISOString(), current: row.companyId === principal.companyId }));
  }

  /**
   * Opens a session in the target company, in a transaction scoped to it: row-level security
   * then shows the caller's membership there only if it exists, so a company the caller does
   * not belong to and one that does not exist give the same NotAMember.
   */
  async switchCompany(ctx: RequestContext, input: SwitchCompanyInput): Promise<AuthPayloadResult | NotAMemberResult> {
    const principal = requireUser(ctx);
    const scope = { companyId: input.companyId, userId: principal.userId };
    const opened = await this.deps.database.withTenant(scope, async (tx) => {
      const membership = await lockMembershipForSession(tx, scope.companyId, scope.userId);
      if (!membership) return null;
      await setDefaultCompany(tx, scope.userId, scope.companyId);
      const [user] = await findUsersByIds(tx, [scope.userId]);
      const [company] = await findCompaniesByIds(tx, [scope.companyId]);
      if (!user || !company) return null;
      const session = await this.deps.sessions.open(tx, scope, ctx.client);
      // The origin company stays out of the record: it is another tenant's business.
      await recordAudit(tx, scope.companyId, {
        action: 'COMPANY_SWITCHED',
        actor: principal,
        target: { type: 'Session', id: session.id },
        client: ctx.client,
      });
      return { user, company, session, role: membership.role };
    });
    if (!opened) return notAMember();
    return this.deps.sessions.payload(opened.session, opened.user, { role: opened.role, company: opened.company });
  }

  /** Idempotent; the audit log records only real changes, the live state is written every time. */
  async setModuleEnabled(ctx: RequestContext, input: SetModuleEnabledInput): Promise<ModuleSwitchedResult> {
    const principal = requirePrincipal(ctx);
    const { companyId } = principal;
    const module = moduleName(input.module);
    const company = await ctx.db.run(async (tx) => {
      const stored = await lockModules(tx, companyId);
      if (!stored) throw new AppError('NOT_FOUND');
      const before = enabledModules(stored);
      const after = OPTIONAL_MODULES.filter((m) => (m === module ? input.enabled : before.includes(m)));
      const updated = await updateModules(tx, companyId, after);
      if (before.includes(module) !== input.enabled) {
        await recordAudit(tx, companyId, {
          action: 'MODULE_TOGGLED',
          actor: principal,
          target: { type: 'Company', id: companyId },
          client: ctx.client,
          metadata: { module, enabled: input.enabled },
        });
      }
      return updated;
    });
    const modules = liveModules(enabledModules(company.modules));
    await publishAfterCommit(ctx.logger, 'company', () => this.deps.state.company(companyId, { modules }));
    return { __typename: 'ModuleSwitched', module: input.module, enabled: input.enabled, company };
  }
}
