// Throwaway repository roots for tooling tests: each holds only the files a test gives it and is
// removed after the test, so the real tree is never written to.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';

const roots: string[] = [];

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

export function fixtureRoot(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'omni-tooling-'));
  roots.push(root);
  for (const [path, content] of Object.entries(files)) writeFixture(root, path, content);
  return root;
}

export function writeFixture(root: string, path: string, content: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}
