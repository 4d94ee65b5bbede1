// No Docker engine runs here, so docker-compose.yml is checked by reading it: the wiring mistakes
// that would only show up at `docker compose up` (a missing dependency, an unhealthy-forever
// service, an exposed subgraph, a subgraph the gateway cannot route to) fail here instead.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readSupergraphConfig, repoRoot } from '../../scripts/compose.js';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  restart?: string;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }> | string[];
}

// `merge: true` resolves the `<<: *anchor` keys the file uses, as Compose does.
const compose = parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const services = Object.entries(compose.services);
/** Services running omni code: the ones built from this repository. */
const omni = services.filter(([, s]) => s.build !== undefined);
/** The one-shot migration job: it exits, so a healthcheck would never report healthy. */
const isOneShot = (s: Service) => s.restart === 'no';
const subgraphs = readSupergraphConfig().subgraphs.map((s) => s.name);

describe('docker-compose.yml', () => {
  it('defines the infrastructure and the omni processes', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(['postgres', 'redis', 'qdrant', 'minio', 'migrate', 'gateway', ...subgraphs]),
    );
    expect(compose.services['postgres']?.image).toBe('postgres:15');
    expect(compose.services['redis']?.image).toBe('redis:7');
  });

  it('depends only on services that exist, with a condition each', () => {
    for (const [name, service] of services) {
      const deps = service.depends_on ?? {};
      expect(Array.isArray(deps), `${name}: depends_on needs conditions`).toBe(false);
      for (const [dep, { condition }] of Object.entries(deps)) {
        expect(compose.services, `${name} depends on ${dep}`).toHaveProperty([dep]);
        expect(['service_healthy', 'service_completed_successfully'], `${name} -> ${dep}`).toContain(condition);
        if (condition === 'service_healthy') {
          expect(compose.services[dep]?.healthcheck, `${dep} must have a healthcheck`).toBeDefined();
        }
      }
    }
  });

  it('builds every omni process from one image', () => {
    expect(omni.map(([name]) => name).sort()).toEqual(['gateway', 'migrate', ...subgraphs].sort());
    expect(new Set(omni.map(([, s]) => s.image)).size).toBe(1);
  });

  it('gives every long-running omni service a /readyz healthcheck', () => {
    for (const [name, service] of omni.filter(([, s]) => !isOneShot(s))) {
      expect(service.healthcheck?.test.join(' '), name).toMatch(/\/readyz$/);
    }
  });

  it('starts omni services only after migrations succeeded', () => {
    for (const [name, service] of omni.filter(([n, s]) => !isOneShot(s) && n !== 'gateway')) {
      expect(service.depends_on, name).toHaveProperty(['migrate', 'condition'], 'service_completed_successfully');
    }
    expect(compose.services['migrate']?.command).toEqual(['pnpm', 'db:migrate']);
  });

  it('publishes only the gateway, on port 4000', () => {
    const published = services.filter(([, s]) => s.ports?.length).map(([name, s]) => [name, s.ports]);
    expect(published).toEqual([['gateway', ['4000:4000']]]);
  });

  it('requires INTERNAL_CONTEXT_SECRET instead of defaulting it', () => {
    for (const [name, service] of omni) {
      expect(service.environment?.['INTERNAL_CONTEXT_SECRET'], name).toMatch(/^\$\{INTERNAL_CONTEXT_SECRET:\?/);
    }
  });

  it('connects the services as omni_app and migrations as omni_owner', () => {
    for (const [name, service] of omni) {
      expect(service.environment?.['DATABASE_URL'], name).toMatch(/^postgresql:\/\/omni_app:.*@postgres:5432\/omni$/);
      expect(service.environment?.['DATABASE_OWNER_URL'], name).toMatch(/^postgresql:\/\/omni_owner:.*@postgres:5432\/omni$/);
      expect(service.environment?.['REDIS_URL'], name).toBe('redis://redis:6379');
    }
  });

  it.each(subgraphs)('runs subgraph %s as a service the gateway routes to', (name) => {
    const service = compose.services[name];
    expect(service, `supergraph.yaml lists ${name}; add a service for it`).toBeDefined();
    expect(service?.command).toEqual(['pnpm', '--filter', `@omni/${name}`, 'start']);
    expect(service?.environment?.['HOST']).toBe('0.0.0.0');
    const gateway = compose.services['gateway'];
    expect(gateway?.environment?.[`SUBGRAPH_${name.toUpperCase()}_URL`]).toMatch(
      new RegExp(`^http://${name}:\\d+/graphql$`),
    );
    expect(gateway?.depends_on).toHaveProperty([name, 'condition'], 'service_healthy');
  });

  it('creates the database roles with the attributes row-level security relies on', () => {
    const mount = compose.services['postgres']?.volumes?.find((v) => v.includes('docker-entrypoint-initdb.d'));
    const file = mount?.split(':')[0] ?? '';
    expect(existsSync(join(repoRoot, file)), `${file} exists`).toBe(true);
    const sql = readFileSync(join(repoRoot, file), 'utf8').replace(/\s+/g, ' ');
    expect(sql).toMatch(/CREATE ROLE omni_app LOGIN NOSUPERUSER NOBYPASSRLS /);
    expect(sql).toMatch(/CREATE ROLE omni_owner LOGIN NOSUPERUSER BYPASSRLS /);
    expect(sql).toContain('CREATE DATABASE omni OWNER omni_owner;');
  });
});
