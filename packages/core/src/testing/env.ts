// Environment for integration tests: a separate database (omni_test) on the machine's real
// PostgreSQL and Redis, and a fixed internal-context secret shared by the test's processes.
import { loadConfig, type Config } from '../config/config.js';

export const TEST_DATABASE = 'omni_test';

export function testEnv(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'silent',
    DATABASE_URL: `postgresql://omni_app:omni_app@127.0.0.1:5432/${TEST_DATABASE}`,
    DATABASE_OWNER_URL: `postgresql://omni_owner:omni_owner@127.0.0.1:5432/${TEST_DATABASE}`,
    INTERNAL_CONTEXT_SECRET: 'test-internal-context-secret-0123456789abcdef',
    DATA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    MAILBOX_DIR: '.omni/test-mailbox',
    ...overrides,
  };
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig(testEnv(overrides));
}
