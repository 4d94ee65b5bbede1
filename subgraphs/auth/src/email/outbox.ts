// The transactional outbox for mail. Services never send mail inline: they write the message in
// the same transaction as the change that causes it, so a rolled-back change sends nothing and a
// committed one is never lost. The relay (relay.ts) hands committed rows to the send-email job.
import { randomUUID } from 'node:crypto';
import type { SecretBox, TenantTx } from '@omni/core';
import { insertEmailMessage } from './repository.js';

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
}

/** PostgreSQL delivers a NOTIFY only when the sending transaction commits: the relay's wake-up. */
export const OUTBOX_CHANNEL = 'omni_email_outbox';

export class EmailOutbox {
  /** `box` seals the body: mail text carries secrets (reset links) until it is sent. */
  constructor(private readonly box: SecretBox) {}

  /** Writes the message in the caller's transaction and returns its id. */
  async enqueue(tx: TenantTx, email: OutgoingEmail): Promise<string> {
    const id = randomUUID();
    await insertEmailMessage(tx, { id, to: email.to, subject: email.subject, body: this.box.encrypt(email.text) }, OUTBOX_CHANNEL);
    return id;
  }
}
