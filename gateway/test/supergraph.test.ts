import { describe, expect, it } from 'vitest';
import { routingUrl, subgraphEndpoints } from '../src/supergraph.js';
import { composeFixture } from './helpers/fixture-supergraph.js';

describe('subgraph endpoints', () => {
  const sdl = composeFixture({ omni: 'http://127.0.0.1:4101/graphql', legacy: 'http://127.0.0.1:4102/graphql' });

  it('reads every subgraph and its routing URL from the composed supergraph', () => {
    expect(subgraphEndpoints(sdl)).toEqual([
      { name: 'legacy', url: 'http://127.0.0.1:4102/graphql' },
      { name: 'omni', url: 'http://127.0.0.1:4101/graphql' },
    ]);
  });

  it('applies SUBGRAPH_<NAME>_URL overrides by name', () => {
    const overrides = { omni: 'http://10.0.0.5:4001/graphql', unknown: 'http://x/graphql' };
    expect(subgraphEndpoints(sdl, overrides)).toContainEqual({ name: 'omni', url: 'http://10.0.0.5:4001/graphql' });
    expect(routingUrl({ name: 'legacy', url: 'http://a/graphql' }, overrides)).toBe('http://a/graphql');
  });

  it('refuses a missing or malformed routing URL at startup', () => {
    expect(() => routingUrl({ name: 'omni' }, {})).toThrow(/omni/);
    expect(() => routingUrl({ name: 'omni', url: 'http://ok/graphql' }, { omni: 'not a url' })).toThrow(/omni/);
  });

  it('refuses a document that is not a supergraph', () => {
    expect(() => subgraphEndpoints('type Query { a: Int }')).toThrow(/join__Graph/);
  });
});
