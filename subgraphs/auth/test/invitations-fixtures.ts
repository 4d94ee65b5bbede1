// GraphQL documents and helpers shared by the invitation tests.
import type { Principal, Role } from '@omni/core';
import type { AuthHarness } from './harness.js';
import { resultOf } from './members-fixtures.js';

export const INVITE = /* GraphQL */ `
  mutation Invite($input: InviteMemberInput!) {
    inviteMember(input: $input) {
      __typename
      ... on InvitationSent { invitation { id email role invitedBy { id } createdAt expiresAt } }
      ... on UserError { code message }
      ... on ValidationFailed { fields { field message } }
    }
  }
`;

export const LIST_PENDING = /* GraphQL */ `
  query Pending($first: Int, $after: String) {
    pendingInvitations(first: $first, after: $after) {
      edges { cursor node { id email role createdAt expiresAt } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

export const REVOKE = /* GraphQL */ `
  mutation Revoke($input: RevokeInvitationInput!) {
    revokeInvitation(input: $input) {
      __typename
      ... on InvitationRevoked { id }
      ... on UserError { code message }
      ... on ValidationFailed { fields { field message } }
    }
  }
`;

export const ACCEPT = /* GraphQL */ `
  mutation Accept($input: AcceptInvitationInput!) {
    acceptInvitation(input: $input) {
      __typename
      ... on AuthPayload { accessToken refreshToken expiresAt user { id email name role company { id name } } }
      ... on UserError { code message }
      ... on ValidationFailed { fields { field message } }
    }
  }
`;

export interface PendingPage {
  pendingInvitations: { edges: Array<{ cursor: string; node: { id: string; email: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

export interface SentInvitation {
  invitation: { id: string; email: string; role: Role; createdAt: string; expiresAt: string };
}

/** Invites `email` as `role` (fails the test unless InvitationSent). */
export async function invite(auth: AuthHarness, principal: Principal, email: string, role: Role): Promise<SentInvitation> {
  const result = resultOf<SentInvitation & { __typename: string }>(await auth.call(INVITE, { input: { email, role } }, principal), 'inviteMember');
  if (result.__typename !== 'InvitationSent') throw new Error(`inviteMember failed: ${JSON.stringify(result)}`);
  return result;
}
