// Inputs of the tenancy operations. The company to switch to is only a candidate: the service
// checks the caller's membership before anything is issued.
import { z } from 'zod';

export const switchCompanyInputSchema = z.object({ companyId: z.uuid('must be a company id') });
export type SwitchCompanyInput = z.output<typeof switchCompanyInputSchema>;

/** GraphQL's Module enum values (upper case) for the platform's optional modules. */
export const MODULE_VALUES = ['CHAT', 'CRM', 'ERP', 'KNOWLEDGE', 'AI'] as const;
export type ModuleValue = (typeof MODULE_VALUES)[number];

export const setModuleEnabledInputSchema = z.object({ module: z.enum(MODULE_VALUES), enabled: z.boolean() });
export type SetModuleEnabledInput = z.output<typeof setModuleEnabledInputSchema>;
