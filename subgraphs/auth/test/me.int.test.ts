// The signed-in user and the federation entities, with tenant isolation checked through
// `_entities` the way another subgraph's reference would reach them.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ME, principalFrom, signUp, startAuth, type AuthHarness } from './harness.js';

let auth: AuthHarness;
beforeAll(async () => {
  auth = await startAuth();
});
afterAll(() => auth?.close());

const ENTITIES = /* GraphQL */ `
  query Entities($representations: [_Any!]!) {
    _entities(representations: $representations) {
      __typename
      ... on User { id email name role company { id name } }
      ... on Company { id name }
    }
  }
`;

type Entities = { _entities: unknown[] };

describe.concurrent('me', () => {
  test('returns the user with role and company of the token', async () => {
    const { input, payload } = await signUp(auth);
    const principal = await principalFrom(auth, payload.accessToken);

    const response = await auth.call(ME, {}, principal);

    expect(response).toEqual({
      data: {
        me: { id: payload.user.id, email: input.email, name: input.name, role: 'OWNER', company: { id: principal.companyId, name: input.companyName } },
      },
    });
  });

  test('anonymous callers get UNAUTHENTICATED', async () => {
    const response = await auth.call<{ me: unknown }>(ME);
    expect(response.data?.me ?? null).toBeNull();
    expect(response.errors?.map((e) => e.extensions?.['code'])).toEqual(['UNAUTHENTICATED']);
  });
});

describe.concurrent('_entities', () => {
  test('resolves users and companies of the caller’s own tenant', async () => {
    const { payload } = await signUp(auth);
    const principal = await principalFrom(auth, payload.accessToken);

    const response = await auth.call(
      ENTITIES,
      { representations: [{ __typename: 'User', id: payload.user.id }, { __typename: 'Company', id: payload.user.company.id }] },
      principal,
    );

    expect(response.errors).toBeUndefined();
    expect(response.data?.['_entities']).toEqual([
      { __typename: 'User', ...payload.user },
      { __typename: 'Company', ...payload.user.company },
    ]);
  });

  test('a user of tenant A cannot resolve tenant B’s user or company', async () => {
    const a = await signUp(auth);
    const b = await signUp(auth);
    const principalA = await principalFrom(auth, a.payload.accessToken);

    const response = await auth.call(
      ENTITIES,
      { representations: [{ __typename: 'User', id: b.payload.user.id }, { __typename: 'Company', id: b.payload.user.company.id }] },
      principalA,
    );

    expect(response.errors).toBeUndefined();
    expect(response.data?.['_entities']).toEqual([null, null]);
  });

  test('an id that is not a uuid resolves to null, like any unknown id', async () => {
    const { payload } = await signUp(auth);
    const principal = await principalFrom(auth, payload.accessToken);
    const response = await auth.call(ENTITIES, { representations: [{ __typename: 'User', id: "x' OR 1=1 --" }] }, principal);
    expect(response.errors).toBeUndefined();
    expect(response.data?.['_entities']).toEqual([null]);
  });

  test('anonymous callers resolve no entities', async () => {
    const { payload } = await signUp(auth);
    const response = await auth.call<Entities>(ENTITIES, { representations: [{ __typename: 'User', id: payload.user.id }] });
    expect(response.data?._entities?.[0] ?? null).toBeNull();
    expect(response.errors?.map((e) => e.extensions?.['code'])).toEqual(['UNAUTHENTICATED']);
  });
});
