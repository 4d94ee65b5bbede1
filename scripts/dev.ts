// `pnpm dev`: the whole platform on this machine. Prepares the database (roles, migrations),
// starts every subgraph listed in supergraph.yaml and the gateway, seeds the demo tenant
// (idempotent) and prints what is where. Ctrl-C stops everything gracefully.
import { loadConfig } from '../packages/core/src/config/config.js';
import { setupDatabase } from './db/setup.js';
import { migrateDatabase } from './db/migrate.js';
import { devSecret } from './lib/dev-secrets.js';
import { startTsProcess, waitForReady, type StartedProcess } from './lib/processes.js';
import { listSubgraphs } from './lib/subgraphs.js';
import { seedDemo, DEMO } from '../prisma/seed.js';
import { resolveMailboxDir } from '../subgraphs/auth/src/email/mailbox.js';

async function main() {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: process.env['NODE_ENV'] ?? 'development',
    INTERNAL_CONTEXT_SECRET: process.env['INTERNAL_CONTEXT_SECRET'] ?? devSecret('internal-context-secret'),
    DATA_ENCRYPTION_KEY: process.env['DATA_ENCRYPTION_KEY'] ?? devSecret('data-encryption-key'),
  };
  const config = loadConfig(env);

  await setupDatabase(config);
  await migrateDatabase(config, { log: (line) => process.stdout.write(`database: ${line}\n`) });

  const processes: StartedProcess[] = [];
  const stopAll = async () => {
    await Promise.all(processes.map((p) => p.stop()));
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(0)));
  process.once('SIGTERM', () => void stopAll().then(() => process.exit(0)));

  const subgraphs = listSubgraphs();
  for (const subgraph of subgraphs) processes.push(startTsProcess(subgraph.name, subgraph.entry, env));
  await Promise.all(subgraphs.map((s) => waitForReady(new URL('/readyz', s.routingUrl).href)));

  processes.push(startTsProcess('gateway', 'gateway/src/index.ts', env));
  const gateway = `http://localhost:${config.gateway.port}`;
  await waitForReady(`${gateway}/readyz`);

  const seeded = await seedDemo(`${gateway}/graphql`);

  const lines = [
    '',
    'OMNI Platform is running',
    `  GraphQL (gateway)   ${gateway}/graphql`,
    `  JWKS                ${gateway}/.well-known/jwks.json`,
    `  Health / metrics    ${gateway}/healthz  ${gateway}/readyz  ${gateway}/metrics`,
    ...subgraphs.map((s) => `  subgraph ${s.name.padEnd(10)} ${s.routingUrl.href} (internal: gateway-signed requests only)`),
    `  Demo tenant         "${DEMO.companyName}" ${seeded === 'created' ? '(created)' : '(already there)'}`,
    `  Demo login          ${DEMO.email} / ${DEMO.password}`,
    `  Mail                ${config.mail.smtpUrl ? `SMTP ${new URL(config.mail.smtpUrl).host}` : `${resolveMailboxDir(config.mail.mailboxDir)} (read with: pnpm mailbox)`}`,
    '  Stop with Ctrl-C.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`pnpm dev failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
