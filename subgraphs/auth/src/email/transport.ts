// How a message leaves: SMTP through nodemailer when SMTP_URL is set, otherwise the development
// mailbox (mailbox.ts). The send-email job depends only on this interface.
import { createTransport } from 'nodemailer';
import type { Config } from '@omni/core';
import { mailboxFileName, resolveMailboxDir, writeMailboxFile } from './mailbox.js';

export interface MailMessage {
  /** The outbox id: also the Message-ID, so receivers can recognise a repeated delivery. */
  id: string;
  to: string;
  subject: string;
  text: string;
  createdAt: Date;
}

export interface MailTransport {
  /** Where mail goes, for logs and the dev launcher (never includes credentials). */
  readonly description: string;
  /** Resolves once the message is accepted (by the SMTP server, or written to the mailbox). */
  send(message: MailMessage): Promise<void>;
  close(): void;
}

// Bounded well below BullMQ's 30 s job lock, so a hung server fails the attempt instead of
// letting the job look stalled and run twice.
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 };

export function createMailTransport(mail: Config['mail']): MailTransport {
  return mail.smtpUrl ? smtpTransport(mail.smtpUrl, mail.from) : mailboxTransport(resolveMailboxDir(mail.mailboxDir), mail.from);
}

function smtpTransport(url: string, from: string): MailTransport {
  const transporter = createTransport({ url, ...SMTP_TIMEOUTS });
  const { protocol, host } = new URL(url);
  return {
    description: `SMTP ${protocol}//${host}`,
    async send(message) {
      await transporter.sendMail(envelope(message, from));
    },
    close: () => transporter.close(),
  };
}

function mailboxTransport(dir: string, from: string): MailTransport {
  const composer = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    description: `local mailbox ${dir}`,
    async send(message) {
      const { message: raw } = await composer.sendMail(envelope(message, from));
      await writeMailboxFile(dir, mailboxFileName(message.id, message.createdAt), raw as Buffer);
    },
    close: () => composer.close(),
  };
}

function envelope(message: MailMessage, from: string) {
  const domain = /@([^>\s]+)/.exec(from)?.[1] ?? 'omni.local';
  return {
    from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    date: message.createdAt,
    messageId: `<${message.id}@${domain}>`,
  };
}
