// The optional modules as stored (Company.modules, lower-case names from core's OPTIONAL_MODULES)
// and as the schema's Module enum shows them (upper case).
import { OPTIONAL_MODULES, type ModuleName, type OptionalModule } from '@omni/core';
import type { ModuleValue } from './validation.js';

export function moduleName(value: ModuleValue): OptionalModule {
  return value.toLowerCase() as OptionalModule;
}

export function moduleValue(name: OptionalModule): ModuleValue {
  return name.toUpperCase() as ModuleValue;
}

/** The switched-on optional modules of a stored list, in the platform's order; unknown names are ignored. */
export function enabledModules(stored: readonly string[]): OptionalModule[] {
  return OPTIONAL_MODULES.filter((m) => stored.includes(m));
}

/** What the gateway gets as a company's modules: auth is always on. */
export function liveModules(enabled: readonly OptionalModule[]): ModuleName[] {
  return ['auth', ...enabled];
}
