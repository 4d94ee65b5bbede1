// A supergraph composed in the test from two small subgraph schemas, so the gateway tests do not
// depend on the modules' real schemas. `omni` is served by core's real createSubgraphServer;
// `legacy` stands for a misbehaving upstream that leaks internals in its errors.
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';

export const OMNI_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])

  type Query {
    "Who the subgraph thinks is calling, from the signed internal context."
    whoami: Whoami!
    "A recursive type, for depth limits."
    thing(id: ID!): Thing
    "Answers after ms milliseconds, for draining tests."
    slow(ms: Int!): String!
    "Throws an unexpected error carrying SQL and a URL."
    boom: String
    "Throws a VALIDATION_FAILED error with per-field messages."
    invalidInput: String
    "Answers only while the caller's company has the crm module switched on (module toggles)."
    crmThing: String
  }

  type Mutation {
    touch: Boolean!
  }

  type Whoami {
    userId: ID
    companyId: ID
    role: String
    "The modules the gateway found switched on for the caller's company."
    modules: [String!]
    requestId: String!
  }

  type Thing @key(fields: "id") {
    id: ID!
    name: String!
    child: Thing
  }
`;

export const LEGACY_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])

  type Query {
    "Answers 200 with an unmasked error (SQL, stack trace, internal URL)."
    leaky: String
    "Answers HTTP 500 with an HTML stack trace."
    broken: String
  }
`;

export function composeFixture(urls: { omni: string; legacy: string }): string {
  const result = composeServices([
    { name: 'omni', url: urls.omni, typeDefs: parse(OMNI_SDL) },
    { name: 'legacy', url: urls.legacy, typeDefs: parse(LEGACY_SDL) },
  ]);
  if (result.errors) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.supergraphSdl;
}
