// Shield rules of tenancy (schema/{company,members,invitations,audit}.graphql), spread into
// ../permissions.ts. Everything asks for a permission of the core vocabulary; what only a person
// can do (their own companies, switching, leaving) asks for a person (isUser).
import { AppError, can, isAuthenticated, isPublic, isUser, or, rule, type RuleTree, type ShieldRule } from '@omni/core';

const fields = (names: string[], rule: ShieldRule) => Object.fromEntries(names.map((name) => [name, rule]));

// One rule object per permission: graphql-shield refuses two different rules with one name.
const readCompany = can('company:read');
const readMembers = can('members:read');
const manageMembers = can('members:manage');
const invite = can('members:invite');
const manageModules = can('modules:manage');
const readAudit = can('audit:read');

/**
 * The company of a session opened by this very request (AuthPayload of logIn, switchCompany,
 * acceptInvitation): every role may read its company, and the caller holds no token for it yet.
 */
const isNewSessionCompany = rule('tenancy:isNewSessionCompany', { cache: 'no_cache' })((parent: { newSession?: unknown }) =>
  parent?.newSession ? true : new AppError('UNAUTHENTICATED'),
);

export const tenancyPermissions = {
  Query: {
    myCompanies: isUser,
    members: readMembers,
    pendingInvitations: invite,
    auditLog: readAudit,
  },
  Mutation: {
    switchCompany: isUser,
    setModuleEnabled: manageModules,
    changeMemberRole: manageMembers,
    removeMember: manageMembers,
    leaveCompany: isUser,
    inviteMember: invite,
    revokeInvitation: invite,
    // The invitation secret is the credential; abuse limits apply per IP and per token.
    acceptInvitation: isPublic,
  },
  /** Fields this feature adds to Company. */
  Company: {
    modules: or(readCompany, isNewSessionCompany),
  },
  /** Object types, reached only through the fields above; checked again all the same. */
  types: {
    CompanyMembership: fields(['companyId', 'companyName', 'role', 'joinedAt', 'current'], isUser),
    ModuleSwitched: fields(['module', 'enabled', 'company'], manageModules),
    Member: fields(['user', 'role', 'joinedAt'], readMembers),
    MemberEdge: fields(['node', 'cursor'], readMembers),
    MemberConnection: fields(['edges', 'pageInfo'], readMembers),
    MemberRoleChanged: fields(['member'], manageMembers),
    // Also answers of leaveCompany and switchCompany, which any member may call.
    MemberRemoved: fields(['userId', 'revokedSessions'], isAuthenticated),
    NotAMember: fields(['code', 'message'], isAuthenticated),
    LastOwner: fields(['code', 'message'], isAuthenticated),
    Invitation: fields(['id', 'email', 'role', 'invitedBy', 'createdAt', 'expiresAt'], invite),
    InvitationEdge: fields(['node', 'cursor'], invite),
    InvitationConnection: fields(['edges', 'pageInfo'], invite),
    InvitationSent: fields(['invitation'], invite),
    InvitationRevoked: fields(['id'], invite),
    InvitationNotFound: fields(['code', 'message'], invite),
    // Answers of acceptInvitation (public) too.
    AlreadyMember: fields(['code', 'message'], isPublic),
    InvalidInvitation: fields(['code', 'message'], isPublic),
    SignInToAccept: fields(['code', 'message'], isPublic),
    AuditEvent: fields(
      ['id', 'action', 'actor', 'actorApiKeyId', 'targetType', 'targetId', 'ip', 'userAgent', 'metadata', 'createdAt'],
      readAudit,
    ),
    AuditEventEdge: fields(['node', 'cursor'], readAudit),
    AuditEventConnection: fields(['edges', 'pageInfo'], readAudit),
    AuditMetadataEntry: fields(['key', 'value'], readAudit),
  } satisfies RuleTree,
};
