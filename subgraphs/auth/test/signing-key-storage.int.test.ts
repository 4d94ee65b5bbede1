// Private signing keys are stored sealed with the data key: a database dump alone does not let
// anyone mint access tokens. The key is retired at once so running services never sign with it.
import { createDatabase, SecretBox } from '@omni/core';
import { testConfig } from '@omni/core/testing';
import { afterAll, describe, expect, test } from 'vitest';
import { generateSigningKey } from '../src/keys/key-pair.js';
import { findLiveKeys, insertSigningKey, retireKeys } from '../src/keys/repository.js';

const config = testConfig();
const database = createDatabase(config.database);
const box = new SecretBox(config.dataEncryptionKey);
afterAll(() => database.disconnect());

describe('signing key storage', () => {
  test('keeps the private half sealed in the table and opens it when loading', async () => {
    const key = await generateSigningKey();
    await insertSigningKey(database.prisma, box, key);
    await retireKeys(database.prisma, [key.kid]);

    const [row] = await database.prisma.$queryRaw<Array<{ privateJwk: Record<string, unknown> }>>`
      SELECT "privateJwk" FROM "SigningKey" WHERE kid = ${key.kid}`;
    expect(Object.keys(row?.privateJwk ?? {})).toEqual(['sealed']);
    expect(JSON.stringify(row)).not.toContain(String(key.privateJwk['d']));

    const loaded = (await findLiveKeys(database.prisma, box, new Date(0))).find((k) => k.kid === key.kid);
    expect(loaded?.privateJwk).toEqual(key.privateJwk);
  });

  test('cannot be opened with another data key', async () => {
    const key = await generateSigningKey();
    await insertSigningKey(database.prisma, box, key);
    await retireKeys(database.prisma, [key.kid]);
    const otherBox = new SecretBox(Buffer.alloc(32, 9));
    await expect(findLiveKeys(database.prisma, otherBox, new Date(0))).rejects.toThrow();
  });
});
