// Prisma CLI configuration. Only `prisma generate` uses it: migrations run through
// scripts/db/migrate.ts (Prisma's wasm schema engine), see README "Database".
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema',
  migrations: { path: 'prisma/migrations' },
});
