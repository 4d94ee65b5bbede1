import { describe, expect, it } from 'vitest';
import { can, hasRole, moduleEnabled } from '../src/permissions/rules.js';

describe('shared shield rules', () => {
  it('are created once per name, so two modules asking for the same rule get one instance', () => {
    expect(can('members:read')).toBe(can('members:read'));
    expect(can('members:read')).not.toBe(can('members:manage'));
    expect(moduleEnabled('crm')).toBe(moduleEnabled('crm'));
    expect(hasRole('ADMIN')).toBe(hasRole('ADMIN'));
  });
});
