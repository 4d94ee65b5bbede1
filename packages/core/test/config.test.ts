import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/config.js';

const secret = 'x'.repeat(32);
const key = Buffer.alloc(32, 1).toString('base64');

describe('loadConfig', () => {
  it('applies development defaults', () => {
    const config = loadConfig({ DATA_ENCRYPTION_KEY: key, INTERNAL_CONTEXT_SECRET: secret });
    expect(config.env).toBe('development');
    expect(config.host).toBe('127.0.0.1');
    expect(config.gateway.introspection).toBe(true);
    expect(config.gateway.port).toBe(4000);
  });

  it('turns introspection off in production unless asked for', () => {
    expect(loadConfig({ DATA_ENCRYPTION_KEY: key, INTERNAL_CONTEXT_SECRET: secret, NODE_ENV: 'production' }).gateway.introspection).toBe(false);
    expect(loadConfig({ DATA_ENCRYPTION_KEY: key, INTERNAL_CONTEXT_SECRET: secret, NODE_ENV: 'production', INTROSPECTION: 'true' }).gateway.introspection).toBe(true);
  });

  it('collects subgraph URL overrides and CORS origins', () => {
    const config = loadConfig({
      INTERNAL_CONTEXT_SECRET: secret,
      DATA_ENCRYPTION_KEY: key,
      SUBGRAPH_AUTH_URL: 'http://auth:4001/graphql',
      CORS_ORIGINS: 'https://a.example, https://b.example',
    });
    expect(config.gateway.subgraphUrls).toEqual({ auth: 'http://auth:4001/graphql' });
    expect(config.gateway.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
  });

  it('names every invalid variable', () => {
    try {
      loadConfig({ INTERNAL_CONTEXT_SECRET: 'short', DATA_ENCRYPTION_KEY: 'abc', GATEWAY_PORT: 'abc', ACCESS_TOKEN_TTL_SECONDS: '3600' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as ConfigError).message;
      expect(message).toContain('INTERNAL_CONTEXT_SECRET');
      expect(message).toContain('GATEWAY_PORT');
      expect(message).toContain('ACCESS_TOKEN_TTL_SECONDS');
      expect(message).toContain('DATA_ENCRYPTION_KEY');
    }
  });
});
