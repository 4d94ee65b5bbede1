// `pnpm codegen:check`: fails when a generated resolver file differs from what `pnpm codegen` would
// write. Generation happens in memory and is compared with the files on disk, so the working tree
// is never touched, whether the check passes or not.
import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generate } from '@graphql-codegen/cli';
import { codegenConfig } from '../codegen.js';
import { repoRoot } from './compose.js';

interface FileOutput {
  filename: string;
  content: string;
}

/** Repository-relative paths of generated files that are missing or differ from a fresh run. */
export async function staleGeneratedFiles(root = repoRoot): Promise<string[]> {
  const outputs = (await generate({ ...codegenConfig(root), silent: true }, false)) as FileOutput[];
  return outputs
    .map((o) => ({ path: resolve(root, o.filename), content: o.content }))
    .filter(({ path, content }) => !existsSync(path) || readFileSync(path, 'utf8') !== content)
    .map(({ path }) => relative(root, path));
}

async function main(): Promise<number> {
  const stale = await staleGeneratedFiles();
  if (stale.length > 0) {
    console.error(
      `Generated files are stale; run pnpm codegen:\n${stale.map((f) => `  ${f}`).join('\n')}`,
    );
    return 1;
  }
  console.log('generated resolver types are up to date');
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      console.error(`pnpm codegen:check failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
