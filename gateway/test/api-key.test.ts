// The gateway reads API keys in Auth's scoped-token format (omk_ + company id + key id + secret)
// without a lookup: it must take exactly that format and nothing that merely resembles it.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { credentialOf } from '../src/authenticate.js';
import { AuthenticationError } from '../src/auth.js';
import { parseApiKey } from '../src/principal/api-key.js';

const bytes = (uuid: string) => Buffer.from(uuid.replace(/-/g, ''), 'hex');
const keyFor = (companyId: string, apiKeyId: string) => `omk_${Buffer.concat([bytes(companyId), bytes(apiKeyId), randomBytes(32)]).toString('base64url')}`;

describe('parseApiKey', () => {
  it('reads the company and key ids and hashes the whole key', () => {
    const [companyId, apiKeyId] = [randomUUID(), randomUUID()];
    const key = keyFor(companyId, apiKeyId);
    expect(parseApiKey(key)).toEqual({ companyId, apiKeyId, keyHash: createHash('sha256').update(key).digest('hex') });
  });

  it('refuses other prefixes, lengths, alphabets and non-canonical encodings', () => {
    const key = keyFor(randomUUID(), randomUUID());
    const body = key.slice('omk_'.length);
    // 64 bytes leave 4 unused bits in the last character; setting one decodes to the same bytes.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const nonCanonical = `omk_${body.slice(0, -1)}${alphabet[alphabet.indexOf(body.at(-1)!) | 1]}`;
    expect(Buffer.from(nonCanonical.slice(4), 'base64url')).toEqual(Buffer.from(body, 'base64url'));
    for (const bad of [`omr_${body}`, `${key}A`, key.slice(0, -1), `omk_${body.slice(0, -1)}+`, nonCanonical, 'omk_', '']) {
      expect(parseApiKey(bad), bad).toBeNull();
    }
  });
});

describe('credentialOf', () => {
  const key = keyFor(randomUUID(), randomUUID());

  it('tells access tokens from API keys, in either header', () => {
    expect(credentialOf({})).toBeNull();
    expect(credentialOf({ authorization: 'Bearer a.b.c' })).toEqual({ kind: 'token', token: 'a.b.c' });
    expect(credentialOf({ authorization: `Bearer ${key}` })).toEqual({ kind: 'apiKey', key });
    expect(credentialOf({ 'x-api-key': key })).toEqual({ kind: 'apiKey', key });
  });

  it('refuses two credentials at once and an x-api-key that is not a key', () => {
    expect(() => credentialOf({ authorization: 'Bearer a.b.c', 'x-api-key': key })).toThrow(AuthenticationError);
    expect(() => credentialOf({ 'x-api-key': 'a.b.c' })).toThrow(AuthenticationError);
  });
});
