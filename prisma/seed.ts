// The demo tenant, created through the public API (so it takes the same path, validation and
// rules as any sign-up). Idempotent: if the demo user can log in, nothing is written.
export const DEMO = {
  companyName: 'Acme Demo',
  name: 'Demo Owner',
  email: 'demo@omni.local',
  password: 'demo-password-123',
} as const;

interface GraphQLResponse {
  data?: Record<string, { __typename: string } | null>;
  errors?: Array<{ message: string }>;
}

async function call(url: string, query: string, variables: Record<string, unknown>): Promise<GraphQLResponse> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GraphQLResponse;
}

export async function seedDemo(graphqlUrl: string): Promise<'created' | 'existing'> {
  const login = await call(
    graphqlUrl,
    /* GraphQL */ `mutation SeedLogIn($input: LogInInput!) { logIn(input: $input) { __typename } }`,
    { input: { email: DEMO.email, password: DEMO.password } },
  );
  if (login.data?.['logIn']?.__typename === 'AuthPayload') return 'existing';

  const signUp = await call(
    graphqlUrl,
    /* GraphQL */ `mutation SeedSignUp($input: SignUpInput!) { signUp(input: $input) { __typename } }`,
    { input: DEMO },
  );
  const result = signUp.data?.['signUp']?.__typename;
  if (result !== 'AuthPayload') {
    throw new Error(`seeding the demo tenant failed: ${result ?? JSON.stringify(signUp.errors)}`);
  }
  return 'created';
}
