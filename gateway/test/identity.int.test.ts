// Who a subgraph believes is calling: only what the gateway put into the signed internal
// context. Without a credential that is nobody; a malformed credential is refused, never
// downgraded to anonymous; and a subgraph refuses anything the gateway did not sign. (Real
// tokens, forwarded principals and client-sent identity headers next to them are tested against
// the real Auth: test/e2e/access-tokens.)
import { INTERNAL_CONTEXT_HEADER, signInternalContext } from '@omni/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './helpers/harness.js';

const WHOAMI = '{ whoami { userId companyId role requestId } }';
let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

const lastSeen = () => stack.omni.seen.at(-1)!;

describe('identity at the gateway', () => {
  it('calls subgraphs anonymously without an Authorization header', async () => {
    const { status, headers, body } = await stack.gw.post(WHOAMI);
    expect(status).toBe(200);
    expect(body.data?.['whoami']).toEqual({ userId: null, companyId: null, role: null, requestId: headers.get('x-request-id') });
  });

  it('sends the request id (signed and as x-request-id) and a traceparent in the caller trace', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const { headers, body } = await stack.gw.post(WHOAMI, {
      headers: { 'x-request-id': 'client-req-42', traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    expect(headers.get('x-request-id')).toBe('client-req-42');
    expect((body.data?.['whoami'] as { requestId: string }).requestId).toBe('client-req-42');
    const seen = lastSeen();
    expect(seen['x-request-id']).toBe('client-req-42');
    expect(seen['traceparent']).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(seen['traceparent']).not.toContain('00f067aa0ba902b7');
  });

  it('starts a trace and a request id when the client sends none (or malformed ones)', async () => {
    const { headers } = await stack.gw.post(WHOAMI, { headers: { 'x-request-id': 'bad id with spaces', traceparent: 'junk' } });
    expect(headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(lastSeen()['traceparent']).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it.each([
    ['a malformed token', 'Bearer not-a-jwt'],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
  ])('answers 401 UNAUTHENTICATED for %s, never anonymous', async (_name, authorization) => {
    const before = stack.omni.seen.length;
    const { status, headers, body } = await stack.gw.post(WHOAMI, { headers: { authorization } });
    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(body).toEqual({ errors: [{ message: expect.any(String), extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(stack.omni.seen.length).toBe(before);
  });
});

describe('direct calls to a subgraph', () => {
  const direct = async (query: string, headers: Record<string, string> = {}, variables?: unknown) => {
    const response = await fetch(stack.omni.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }>; data?: unknown } };
  };
  const SERVICE = '{ _service { sdl } }';
  const ENTITIES = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Thing { id name } } }';
  const representations = { r: [{ __typename: 'Thing', id: '1' }] };
  const sign = (query: string, options: { secret?: string; subgraph?: string; variables?: Record<string, unknown> } = {}) =>
    signInternalContext(
      { principal: null, requestId: 'direct', client: { ip: null, userAgent: null } },
      {
        secret: options.secret ?? stack.gw.config.internalContext.secret,
        subgraph: options.subgraph ?? 'omni',
        operation: { query, variables: options.variables },
        ttlSeconds: 60,
      },
    );

  it('refuses unsigned requests with 401, _service and _entities included', async () => {
    for (const [query, variables] of [[SERVICE], [ENTITIES, representations], [WHOAMI]] as const) {
      const { status, body } = await direct(query, { 'apollo-federation-include-trace': 'ftv1' }, variables);
      expect(status, query).toBe(401);
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(body.data).toBeUndefined();
    }
  });

  it('refuses forged signatures: wrong secret, another subgraph, another query', async () => {
    const wrongSecret = await sign(SERVICE, { secret: 'an-attacker-guess-that-is-long-enough-000' });
    expect((await direct(SERVICE, { [INTERNAL_CONTEXT_HEADER]: wrongSecret })).status).toBe(401);
    const forLegacy = await sign(SERVICE, { subgraph: 'legacy' });
    expect((await direct(SERVICE, { [INTERNAL_CONTEXT_HEADER]: forLegacy })).status).toBe(401);
    const forWhoami = await sign(WHOAMI);
    expect((await direct(ENTITIES, { [INTERNAL_CONTEXT_HEADER]: forWhoami }, representations)).status).toBe(401);
    // A context captured for one set of representations cannot fetch others.
    const forThing1 = await sign(ENTITIES, { variables: representations });
    const otherThing = { r: [{ __typename: 'Thing', id: '2' }] };
    expect((await direct(ENTITIES, { [INTERNAL_CONTEXT_HEADER]: forThing1 }, otherThing)).status).toBe(401);
    expect((await direct(WHOAMI, { [INTERNAL_CONTEXT_HEADER]: 'not.a.jwt' })).status).toBe(401);
  });

  it('accepts a correctly signed request (the control for the cases above)', async () => {
    const { status, body } = await direct(ENTITIES, { [INTERNAL_CONTEXT_HEADER]: await sign(ENTITIES, { variables: representations }) }, representations);
    expect(status).toBe(200);
    expect(body.data).toEqual({ _entities: [{ id: '1', name: 'thing 1' }] });
  });
});
