// The gateway process: read the configuration, build, listen, stop cleanly on SIGTERM/SIGINT.
import { loadConfig } from '@omni/core';
import { createGateway } from './server.js';

const config = loadConfig();
const gateway = await createGateway(config);
gateway.stopOnSignals();
await gateway.listen();
