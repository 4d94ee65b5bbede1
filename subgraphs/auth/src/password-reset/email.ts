// The reset email. The link carries the token in its query string to the web app's reset page,
// which posts it back with the new password through resetPassword.
import type { OutgoingEmail } from '../email/outbox.js';

export function resetLink(publicAppUrl: string, token: string): string {
  return `${publicAppUrl.replace(/\/+$/, '')}/reset-password?token=${encodeURIComponent(token)}`;
}

export function resetEmail(to: string, link: string, ttlSeconds: number): OutgoingEmail {
  const minutes = Math.round(ttlSeconds / 60);
  return {
    to,
    subject: 'Reset your OMNI password',
    text: [
      'Someone asked to reset the password of your OMNI account.',
      '',
      `To choose a new password, open this link within ${minutes} minutes:`,
      link,
      '',
      'The link works once. Resetting signs you out everywhere.',
      'If you did not ask for this, ignore this email: your password stays as it is.',
      '',
    ].join('\n'),
  };
}
