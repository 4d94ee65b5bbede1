// Wakes the relay the moment an outbox transaction commits anywhere (this replica or another):
// EmailOutbox sends pg_notify inside the transaction and PostgreSQL delivers it only on commit.
// A convenience on top of polling, never needed for correctness, so failures only log and retry.
import pg from 'pg';
import type { Logger } from '@omni/core';

const RECONNECT_DELAY_MS = 2_000;

export class CommitListener {
  private client: pg.Client | undefined;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly channel: string,
    private readonly onCommit: () => void,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    const client = new pg.Client({ connectionString: this.databaseUrl, application_name: 'omni-email-relay' });
    this.client = client;
    client.on('notification', () => this.onCommit());
    client.on('error', (error) => this.reconnect(client, error));
    client.on('end', () => this.reconnect(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(this.channel)}`);
    } catch (error) {
      this.reconnect(client, error);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private reconnect(client: pg.Client, error?: unknown): void {
    if (this.stopped || this.client !== client) return;
    this.client = undefined;
    this.logger.warn({ err: error }, 'email relay: commit notifications lost; polling only until reconnected');
    void client.end().catch(() => undefined);
    this.retry = setTimeout(() => void this.start(), RECONNECT_DELAY_MS);
    this.retry.unref();
  }
}
