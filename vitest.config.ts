// Two test projects chosen by file suffix: `*.test.ts` are unit tests (no services needed),
// `*.int.test.ts` run against the real PostgreSQL, Redis and HTTP servers on this machine.
import { defineConfig } from 'vitest/config';

const roots = ['packages/*/{src,test}', 'gateway/{src,test}', 'subgraphs/*/{src,test}', 'scripts', 'test'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: roots.map((r) => `${r}/**/*.test.ts`),
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
        },
      },
      {
        test: {
          name: 'integration',
          include: roots.map((r) => `${r}/**/*.int.test.ts`),
          exclude: ['**/node_modules/**'],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
