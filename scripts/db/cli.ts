// Shared entry-point plumbing for the database scripts: they are importable modules (tests and
// test/global-setup.ts call their functions) and also `pnpm db:*` commands.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadDatabaseConfig, type Config } from '../../packages/core/src/config/config.js';
import { firstLine } from './connection.js';

/** True when the module at `moduleUrl` is the script node was started with. */
export function isMainModule(moduleUrl: string): boolean {
  const started = process.argv[1];
  if (!started) return false;
  try {
    return realpathSync(started) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}

/**
 * Runs a command. Failures end the process with exit code 1 and a message for a person, never a
 * stack trace: these commands are run by hand and in CI, where the first line should say what to
 * fix. Success exits explicitly so a leftover idle connection cannot keep the process alive.
 */
export function runCommand(command: string, main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => fail(command, err instanceof Error ? err.message : String(err)),
  );
}

/** `runCommand` for commands that need the configuration from the environment. */
export function runCli(command: string, main: (config: Pick<Config, 'database'>) => Promise<void>): void {
  let config: Pick<Config, 'database'>;
  try {
    config = loadDatabaseConfig();
  } catch (err) {
    fail(command, err instanceof ConfigError ? err.message : firstLine(err));
    return;
  }
  runCommand(command, () => main(config));
}

function fail(command: string, message: string): void {
  process.stderr.write(`${command}: ${message}\n`);
  process.exit(1);
}
