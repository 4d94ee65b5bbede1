// Typed outcomes of the invitation operations.
import type { ValidationFailedResult } from '../common/input.js';
import type { InvitationRecord } from './repository.js';

export interface InvitationSentResult {
  __typename: 'InvitationSent';
  invitation: InvitationRecord;
}

export interface InvitationRevokedResult {
  __typename: 'InvitationRevoked';
  id: string;
}

export interface AlreadyMemberResult {
  __typename: 'AlreadyMember';
  code: 'CONFLICT';
  message: string;
}

export interface InvitationNotFoundResult {
  __typename: 'InvitationNotFound';
  code: 'NOT_FOUND';
  message: string;
}

export interface InvalidInvitationResult {
  __typename: 'InvalidInvitation';
  code: 'NOT_FOUND';
  message: string;
}

export interface SignInToAcceptResult {
  __typename: 'SignInToAccept';
  code: 'UNAUTHENTICATED';
  message: string;
}

export const alreadyMember = (): AlreadyMemberResult => ({
  __typename: 'AlreadyMember',
  code: 'CONFLICT',
  message: 'This person is already a member of the company.',
});

export const invitationNotFound = (): InvitationNotFoundResult => ({
  __typename: 'InvitationNotFound',
  code: 'NOT_FOUND',
  message: 'There is no pending invitation with this id.',
});

/** One answer for unknown, expired, revoked and used links. */
export const invalidInvitation = (): InvalidInvitationResult => ({
  __typename: 'InvalidInvitation',
  code: 'NOT_FOUND',
  message: 'This invitation link is invalid or has expired. Ask for a new invitation.',
});

export const signInToAccept = (): SignInToAcceptResult => ({
  __typename: 'SignInToAccept',
  code: 'UNAUTHENTICATED',
  message: 'This email already has an account. Sign in to it, then open the invitation link again.',
});

/** A new account needs a name and a password: ValidationFailed naming the missing ones. */
export function accountDetailsRequired(missing: Array<'name' | 'password'>): ValidationFailedResult {
  const fields = missing.map((name) => ({ field: `input.${name}`, message: 'is required to create your account' }));
  return { __typename: 'ValidationFailed', code: 'VALIDATION_FAILED', message: `Invalid input: ${fields.map((f) => f.field).join(', ')}`, fields };
}
