// The invitation email. Its link carries the single-use secret, which is why the body is only
// ever stored encrypted (EmailOutbox) and the secret appears nowhere else.
import type { Role } from '@omni/core';
import type { OutgoingEmail } from '../email/outbox.js';

export interface InvitationEmail {
  to: string;
  companyName: string;
  inviterName: string | null;
  role: Role;
  token: string;
  expiresAt: Date;
  publicAppUrl: string;
}

export function acceptInvitationLink(publicAppUrl: string, token: string): string {
  return `${publicAppUrl.replace(/\/+$/, '')}/accept-invitation?token=${encodeURIComponent(token)}`;
}

export function invitationEmail(invitation: InvitationEmail): OutgoingEmail {
  const who = invitation.inviterName ? `${invitation.inviterName} has invited you` : 'You have been invited';
  return {
    to: invitation.to,
    subject: `Join ${invitation.companyName} on OMNI`.slice(0, 300),
    text: [
      `${who} to join ${invitation.companyName} on OMNI as ${invitation.role.toLowerCase()}.`,
      '',
      `Accept the invitation: ${acceptInvitationLink(invitation.publicAppUrl, invitation.token)}`,
      '',
      `The link can be used once and expires on ${invitation.expiresAt.toUTCString()}.`,
      'If you did not expect this invitation, you can ignore this email.',
    ].join('\n'),
  };
}
