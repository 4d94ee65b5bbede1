// Graceful shutdown of the real gateway process (`tsx gateway/src/index.ts`, configured only by
// its environment): on SIGTERM it stops accepting connections, lets an in-flight request finish,
// and exits 0 (reference: security.md §4.3).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, testConfig, testEnv } from '@omni/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeFixture } from './helpers/fixture-supergraph.js';
import { startLegacySubgraph, startOmniSubgraph, type LegacySubgraph, type OmniSubgraph } from './helpers/test-subgraphs.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = join(REPO_ROOT, 'node_modules/.bin/tsx');

let omni: OmniSubgraph;
let legacy: LegacySubgraph;
/** Where Auth would be: nothing listens, as only an anonymous request is sent. */
let noAuth: string;
let dir: string;

beforeAll(async () => {
  [omni, legacy, noAuth] = await Promise.all([startOmniSubgraph(testConfig()), startLegacySubgraph(), freePort().then((port) => `http://127.0.0.1:${port}`)]);
  dir = mkdtempSync(join(tmpdir(), 'omni-gateway-'));
  writeFileSync(join(dir, 'supergraph.graphql'), composeFixture({ omni: omni.url, legacy: legacy.url }));
});
afterAll(async () => {
  await Promise.all([omni?.stop(), legacy?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Starts the gateway process and resolves with its port once it logs that it listens. */
function spawnGateway(): Promise<{ child: ChildProcess; port: number; exited: Promise<number | null> }> {
  const env = testEnv({
    LOG_LEVEL: 'info',
    GATEWAY_HOST: '127.0.0.1',
    GATEWAY_PORT: '0',
    SUPERGRAPH_PATH: join(dir, 'supergraph.graphql'),
    AUTH_JWKS_URL: `${noAuth}/.well-known/jwks.json`,
    AUTH_INTERNAL_URL: noAuth,
    SHUTDOWN_GRACE_MS: '10000',
  });
  const child = spawn(TSX, ['gateway/src/index.ts'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const line = buffered.split('\n').find((l) => l.includes('"gateway listening"'));
      if (line) resolve({ child, port: (JSON.parse(line) as { port: number }).port, exited });
    });
    void exited.then((code) => reject(new Error(`gateway exited early (${code}): ${stderr}`)));
  });
}

describe('gateway process', () => {
  it('drains an in-flight request on SIGTERM and exits 0', async () => {
    const { child, port, exited } = await spawnGateway();
    const origin = `http://127.0.0.1:${port}`;
    const before = omni.seen.length;
    const inFlight = fetch(`${origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ slow(ms: 1500) }' }),
    });
    // Signal only once the request has reached the subgraph, so it is truly in flight.
    while (omni.seen.length === before) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGTERM');

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { slow: 'done' } });
    await expect(fetch(`${origin}/healthz`)).rejects.toThrow();
    expect(await exited).toBe(0);
  }, 30_000);
});
