// Starting the platform's processes and waiting for them, for the dev launcher and for tests
// that need real separate processes (graceful shutdown).
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { ROOT } from './subgraphs.js';

const require = createRequire(import.meta.url);
const TSX_CLI = require.resolve('tsx/cli');

export interface StartedProcess {
  name: string;
  child: ChildProcess;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

export function startTsProcess(
  name: string,
  entry: string,
  env: NodeJS.ProcessEnv,
  output: 'inherit' | 'pipe' = 'inherit',
): StartedProcess {
  const child = spawn(process.execPath, [TSX_CLI, entry], {
    cwd: ROOT,
    env,
    stdio: ['ignore', output, output],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    name,
    child,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Polls `url` until it answers 200, or throws after `timeoutMs`. */
export async function waitForReady(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
      last = `HTTP ${res.status}: ${await res.text()}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms (${last})`);
}
