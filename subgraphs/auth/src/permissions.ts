// Who may read what, field by field. createSubgraphServer denies everything not listed here
// (fallbackRule: deny) and adds the federation plumbing (_service, _entities).
import { AppError, isAuthenticated, isPublic, or, rule, type RuleTree } from '@omni/core';
import { apiKeyPermissions } from './api-keys/permissions.js';
import { tenancyPermissions } from './members/permissions.js';
import { mfaPermissions } from './mfa/permissions.js';
import { passwordResetPermissions } from './password-reset/permissions.js';
import { sessionPermissions } from './session/permissions.js';

/**
 * The parent object belongs to a session opened by this very request (signUp/logIn set
 * `newSession`, see mappers.ts): the caller just proved to be this user but holds no token yet.
 * Depends on the parent, so it is never cached across objects.
 */
const isNewSessionOwner = rule('isNewSessionOwner', { cache: 'no_cache' })((parent: { newSession?: unknown }) =>
  parent?.newSession ? true : new AppError('UNAUTHENTICATED'),
);

/**
 * Users and companies are seen by signed-in callers (row-level security limits which ones, also
 * through _entities) and by whoever just signed in, in their AuthPayload.
 */
const isSignedIn = or(isAuthenticated, isNewSessionOwner);

/** Results of the public mutations, shown to whoever called them. */
const publicResult = isPublic;

export const permissions: RuleTree = {
  ...apiKeyPermissions.types,
  ...sessionPermissions.types,
  ...mfaPermissions.types,
  ...tenancyPermissions.types,
  ...passwordResetPermissions.types,
  Query: {
    ...tenancyPermissions.Query,
    ...apiKeyPermissions.Query,
    ...sessionPermissions.Query,
    me: isAuthenticated,
  },
  Mutation: {
    ...apiKeyPermissions.Mutation,
    ...sessionPermissions.Mutation,
    ...mfaPermissions.Mutation,
    ...tenancyPermissions.Mutation,
    ...passwordResetPermissions.Mutation,
    signUp: isPublic,
    logIn: isPublic,
  },
  User: {
    id: isSignedIn,
    email: isSignedIn,
    name: isSignedIn,
    role: isSignedIn,
    company: isSignedIn,
    ...mfaPermissions.User,
  },
  Company: {
    id: isSignedIn,
    name: isSignedIn,
    ...tenancyPermissions.Company,
  },
  AuthPayload: {
    accessToken: publicResult,
    refreshToken: publicResult,
    expiresAt: publicResult,
    user: publicResult,
  },
  EmailAlreadyRegistered: { code: publicResult, message: publicResult },
  InvalidCredentials: { code: publicResult, message: publicResult },
  ValidationFailed: { code: publicResult, message: publicResult, fields: publicResult },
  FieldError: { field: publicResult, message: publicResult },
};
