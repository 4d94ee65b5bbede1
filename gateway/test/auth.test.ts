// Reading the bearer token from the Authorization header, without any network. Verifying the
// token itself (forgeries, keys unreachable) needs Auth's keys: test/e2e/access-tokens.
import { describe, expect, it } from 'vitest';
import { AuthenticationError, bearerToken } from '../src/auth.js';

describe('bearerToken', () => {
  it('is null without a header and the token with one', () => {
    expect(bearerToken(undefined)).toBeNull();
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer abc.def.ghi')).toBe('abc.def.ghi');
  });

  it('treats any other present header as an invalid credential, not as anonymous', () => {
    for (const header of ['', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'Bearer a b', 'abc.def.ghi']) {
      expect(() => bearerToken(header), JSON.stringify(header)).toThrow(AuthenticationError);
    }
  });
});
