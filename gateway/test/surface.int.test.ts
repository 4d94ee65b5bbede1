// The public GraphQL surface (reference: security.md §1.7 and §5.1): operation limits, schema
// leaks, batching, CSRF, body size, browser headers. Each limit is tested at the boundary: the
// largest allowed operation passes, one more is refused before any subgraph is called.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../src/limits.js';
import { ALLOWED_ORIGIN, startStack, type Stack } from './helpers/harness.js';

let dev: Stack;
let prod: Stack;

beforeAll(async () => {
  [dev, prod] = await Promise.all([startStack(), startStack({ NODE_ENV: 'production', INTROSPECTION: 'false' })]);
});
afterAll(async () => {
  await Promise.all([dev?.stop(), prod?.stop()]);
});

/** `{ thing { child { ... { id } } } }` with the given selection depth (thing = 1). */
const nested = (depth: number) => `thing(id: "1") { ${'child { '.repeat(depth - 2)}id${' }'.repeat(depth - 2)} }`;
const aliases = (n: number, field: string) => Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ');

async function expectRefused(stack: Stack, query: string, code: string, message?: RegExp) {
  const before = stack.omni.seen.length;
  const { status, body } = await stack.gw.post(query);
  expect(status).toBe(400);
  expect(body.data).toBeUndefined();
  expect(body.errors?.[0]?.extensions?.['code']).toBe(code);
  if (message) expect(body.errors?.[0]?.message).toMatch(message);
  expect(stack.omni.seen.length, 'no subgraph call').toBe(before);
  return body;
}

async function expectAccepted(stack: Stack, query: string) {
  const { status, body } = await stack.gw.post(query);
  expect(body.errors).toBeUndefined();
  expect(status).toBe(200);
}

describe('operation limits', () => {
  it(`allows depth ${LIMITS.maxDepth} and refuses ${LIMITS.maxDepth + 1}`, async () => {
    await expectAccepted(dev, `{ ${nested(LIMITS.maxDepth)} }`);
    await expectRefused(dev, `{ ${nested(LIMITS.maxDepth + 1)} }`, 'GRAPHQL_VALIDATION_FAILED', /depth limit/);
  });

  it('counts depth hidden in named and inline fragments, and in a fragment named __schema', async () => {
    const viaFragments = `
      { thing(id: "1") { ...A } }
      fragment A on Thing { child { child { ...B } } }
      fragment B on Thing { child { ... on Thing { child { child { child { child { child { child { child { id } } } } } } } } } }`;
    await expectRefused(dev, viaFragments, 'GRAPHQL_VALIDATION_FAILED', /depth limit/);
    const schemaNamed = `{ thing(id: "1") { ...__schema } } fragment __schema on Thing { ${nested(LIMITS.maxDepth).replace('thing(id: "1")', 'child')} }`;
    await expectRefused(dev, schemaNamed, 'GRAPHQL_VALIDATION_FAILED', /depth limit/);
  });

  it(`allows ${LIMITS.maxAliases} aliases and refuses ${LIMITS.maxAliases + 1}`, async () => {
    await expectAccepted(dev, `{ ${aliases(LIMITS.maxAliases, 'whoami { requestId }')} }`);
    await expectRefused(dev, `{ ${aliases(LIMITS.maxAliases + 1, 'whoami { requestId }')} }`, 'GRAPHQL_VALIDATION_FAILED', /Aliases limit/);
  });

  it(`refuses more than ${LIMITS.maxTokens} tokens while parsing, with 400 (not 500)`, async () => {
    await expectRefused(dev, `{ whoami { ${'requestId '.repeat(LIMITS.maxTokens)} } }`, 'GRAPHQL_PARSE_FAILED', /tokens/);
  });

  it(`refuses more than ${LIMITS.maxDirectives} directives`, async () => {
    const field = '__typename @include(if: true)';
    await expectAccepted(dev, `{ ${Array(LIMITS.maxDirectives).fill(field).join(' ')} }`);
    await expectRefused(dev, `{ ${Array(LIMITS.maxDirectives + 1).fill(field).join(' ')} }`, 'GRAPHQL_VALIDATION_FAILED', /Directives limit/);
  });

  it(`refuses operations costing more than ${LIMITS.maxCost}`, async () => {
    await expectRefused(dev, `{ ${aliases(LIMITS.maxAliases, nested(LIMITS.maxDepth))} }`, 'GRAPHQL_VALIDATION_FAILED', /Cost limit/);
  });

  it('refuses fragment cycles', async () => {
    await expectRefused(dev, '{ thing(id: "1") { ...A } } fragment A on Thing { child { ...B } } fragment B on Thing { child { ...A } }', 'GRAPHQL_VALIDATION_FAILED');
  });

  it('does not reveal the limits in production', async () => {
    const body = await expectRefused(prod, `{ ${nested(LIMITS.maxDepth + 1)} }`, 'GRAPHQL_VALIDATION_FAILED');
    expect(body.errors?.[0]?.message).not.toMatch(/\d/);
  });
});

describe('schema leaks', () => {
  it('refuses introspection when it is off', async () => {
    for (const query of ['{ __schema { types { name } } }', '{ __type(name: "Query") { name } }']) {
      const body = await expectRefused(prod, query, 'GRAPHQL_VALIDATION_FAILED');
      expect(body.errors?.[0]?.extensions?.['validationErrorCode']).toBe('INTROSPECTION_DISABLED');
    }
    await expectAccepted(prod, '{ __typename }');
  });

  it('never suggests field, argument or type names', async () => {
    for (const stack of [dev, prod]) {
      for (const query of ['{ whoam { requestId } }', '{ thing(idd: "1") { nme } }', '{ thing(id: "1") { ... on Thin { id } } }']) {
        const { body } = await stack.gw.post(query);
        expect(body.errors?.length, query).toBeGreaterThan(0);
        expect(JSON.stringify(body), query).not.toMatch(/Did you mean|whoami|"name"/);
      }
    }
  });

  it('does not expose federation fields (_service, _entities) through the gateway', async () => {
    await expectRefused(dev, '{ _service { sdl } }', 'GRAPHQL_VALIDATION_FAILED', /Cannot query field/);
    await expectRefused(dev, '{ _entities(representations: [{ __typename: "Thing", id: "1" }]) { ... on Thing { id } } }', 'GRAPHQL_VALIDATION_FAILED');
  });

  it('serves the development sandbox page only outside production', async () => {
    const page = async (stack: Stack) => fetch(`${stack.gw.origin}/graphql`, { headers: { accept: 'text/html' } });
    const devPage = await page(dev);
    expect(devPage.headers.get('content-type')).toMatch(/text\/html/);
    // The page's own nonce-based CSP (a <meta> tag) applies; helmet's API policy would break it.
    expect(await devPage.text()).toContain('Content-Security-Policy');
    expect(devPage.headers.get('content-security-policy')).toBeNull();
    const prodPage = await page(prod);
    expect(prodPage.headers.get('content-type')).not.toMatch(/text\/html/);
    await prodPage.body?.cancel();
  });
});

describe('HTTP requests', () => {
  const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(`${dev.gw.origin}/graphql`, { method: 'POST', headers, body });
  const get = (query: string, headers: Record<string, string> = {}) =>
    fetch(`${dev.gw.origin}/graphql?query=${encodeURIComponent(query)}`, { headers });

  it('refuses batched operations', async () => {
    const response = await post(JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errors: [{ message: expect.stringMatching(/batching/), extensions: { code: 'BAD_REQUEST' } }] });
  });

  it('blocks CSRF-able requests: text/plain POST and a GET without a preflight header', async () => {
    for (const response of [await post(JSON.stringify({ query: '{ __typename }' }), { 'content-type': 'text/plain' }), await get('{ __typename }')]) {
      expect(response.status).toBe(400);
      expect(JSON.stringify(await response.json())).toMatch(/Cross-Site Request Forgery/);
    }
    const preflighted = await get('{ __typename }', { 'apollo-require-preflight': 'true' });
    expect(await preflighted.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('refuses mutations over GET with 405', async () => {
    const response = await get('mutation { touch }', { 'apollo-require-preflight': 'true' });
    expect(response.status).toBe(405);
    await response.body?.cancel();
  });

  it('answers 413 in JSON for a body over the limit, and 400 for malformed JSON', async () => {
    const tooLarge = await post(JSON.stringify({ query: '{ __typename }', variables: { x: 'a'.repeat(2 * 1024 * 1024) } }));
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toEqual({ errors: [{ message: 'Request body too large', extensions: { code: 'BAD_REQUEST' } }] });
    const malformed = await post('{"query": ');
    expect(malformed.status).toBe(400);
    const text = await malformed.text();
    expect(JSON.parse(text)).toEqual({ errors: [{ message: 'Malformed request', extensions: { code: 'BAD_REQUEST' } }] });
    expect(text).not.toMatch(/at |node_modules|SyntaxError/);
  });

  it('answers CORS only for allowed origins, never with a wildcard', async () => {
    const preflight = (origin: string) =>
      fetch(`${dev.gw.origin}/graphql`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
    expect((await preflight(ALLOWED_ORIGIN)).headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('sends security headers and no framework fingerprint', async () => {
    const response = await post(JSON.stringify({ query: '{ __typename }' }));
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-powered-by')).toBeNull();
    await response.body?.cancel();
  });

  it('answers unknown paths with a JSON 404', async () => {
    const response = await fetch(`${dev.gw.origin}/admin`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] });
  });
});
