// System tools the test suite uses besides Node packages: `oathtool` (an independent TOTP
// generator, Debian package oathtool) checks our second-factor codes against a second
// implementation. Installed from Debian's archive when missing, so `pnpm test` works on a fresh
// machine of the project's kind.
import { spawnSync } from 'node:child_process';

const TOOLS: Record<string, string> = { oathtool: 'oathtool' };

function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function run(command: string, args: string[]): boolean {
  return spawnSync(command, args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
}

const missing = Object.entries(TOOLS).filter(([command]) => !has(command));
if (missing.length > 0) {
  const packages = missing.map(([, pkg]) => pkg);
  process.stdout.write(`installing test tools: ${packages.join(', ')}\n`);
  const installed = run('apt-get', ['install', '-y', '-q', ...packages]) || (run('apt-get', ['update', '-q']) && run('apt-get', ['install', '-y', '-q', ...packages]));
  if (!installed) {
    process.stderr.write(`could not install ${packages.join(', ')} with apt-get; install them and re-run the tests\n`);
    process.exit(1);
  }
}
