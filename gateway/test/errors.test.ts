// Error masking at the gateway: what a client may see of an error, whatever a subgraph or Apollo
// Gateway put into it.
import { describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { isUnexpected, maskGatewayError } from '../src/errors.js';

const mask = maskGatewayError;
const INTERNAL = { message: 'Internal server error', extensions: { code: 'INTERNAL' } };

describe('maskGatewayError', () => {
  it('masks a subgraph failure that names its URL and service', () => {
    const masked = mask({
      message: 'request to http://10.0.0.7:4001/graphql failed, reason: connect ECONNREFUSED 10.0.0.7:4001',
      extensions: { code: 'DOWNSTREAM_SERVICE_ERROR', serviceName: 'auth', stacktrace: ['FetchError: at /srv/gateway.js:1'] },
    });
    expect(masked).toEqual(INTERNAL);
  });

  it('masks unknown errors with SQL in them, keeping only the path', () => {
    const masked = mask({
      message: 'duplicate key value violates unique constraint "User_email_key" (INSERT INTO "User" ...)',
      path: ['signUp'],
      extensions: { code: 'INTERNAL_SERVER_ERROR', exception: { stacktrace: ['at pg'] } },
    });
    expect(masked).toEqual({ ...INTERNAL, path: ['signUp'] });
  });

  it('masks an error without any code, and a subgraph-sent INTERNAL', () => {
    expect(mask({ message: 'TypeError: cannot read properties of undefined' })).toEqual(INTERNAL);
    expect(mask({ message: 'secret detail', extensions: { code: 'INTERNAL', serviceName: 'crm' } })).toEqual(INTERNAL);
  });

  it('passes registry codes with their extensions, minus service name, stack and fetch details', () => {
    const fields = [{ field: 'input.email', message: 'Invalid email' }];
    const masked = mask({
      message: 'Invalid input: input.email',
      path: ['signUp'],
      extensions: {
        code: 'VALIDATION_FAILED',
        fields,
        serviceName: 'auth',
        stacktrace: ['x'],
        response: { url: 'http://127.0.0.1:4001/graphql', status: 200 },
      },
    });
    expect(masked).toEqual({ message: 'Invalid input: input.email', path: ['signUp'], extensions: { code: 'VALIDATION_FAILED', fields } });
  });

  it.each(['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'INVALID_CREDENTIALS', 'MODULE_DISABLED', 'RATE_LIMITED', 'BAD_REQUEST'])(
    'passes %s through',
    (code) => {
      expect(mask({ message: 'expected failure', extensions: { code, serviceName: 'auth' } })).toEqual({
        message: 'expected failure',
        extensions: { code },
      });
    },
  );

  it("passes GraphQL's own request errors (parse, validation, bad input)", () => {
    for (const code of ['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT']) {
      const formatted = { message: 'Cannot query field "x" on type "Query".', locations: [{ line: 1, column: 3 }], extensions: { code } };
      expect(mask(formatted)).toEqual(formatted);
    }
  });
});

describe('isUnexpected', () => {
  it('is true exactly for errors the client sees as INTERNAL (those get logged)', () => {
    expect(isUnexpected(new GraphQLError('fetch failed'))).toBe(true);
    expect(isUnexpected(new Error('subgraph legacy: unreachable'))).toBe(true);
    expect(isUnexpected(new GraphQLError('x', { extensions: { code: 'DOWNSTREAM_SERVICE_ERROR' } }))).toBe(true);
    expect(isUnexpected(new GraphQLError('x', { extensions: { code: 'FORBIDDEN' } }))).toBe(false);
    expect(isUnexpected(new GraphQLError('x', { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }))).toBe(false);
  });
});
