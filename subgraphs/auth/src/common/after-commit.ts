// Publishing live principal state after a transaction has committed. The change itself is
// durable by then, so a Redis failure must not turn it into an error for the caller; it is logged,
// and the state's TTL (PRINCIPAL_STATE_TTL_SECONDS) bounds how long a gateway can miss it.
import type { Logger } from '@omni/core';

export async function publishAfterCommit(logger: Logger, what: string, publish: () => Promise<unknown>): Promise<void> {
  try {
    await publish();
  } catch (err) {
    logger.error({ err, state: what }, 'publishing principal state failed; gateways see the change when their copy expires');
  }
}
