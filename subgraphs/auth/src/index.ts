// The auth subgraph process: the only file that listens.
import { createLogger, loadConfig } from '@omni/core';
import { createAuthSubgraph } from './server.js';

const config = loadConfig();
const logger = createLogger({ service: 'auth', level: config.logLevel });
const service = await createAuthSubgraph(config, { logger });
const port = await service.listen(config.auth.port);
service.stopOnSignals();
logger.info({ port }, 'auth subgraph listening');
