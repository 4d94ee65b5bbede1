// Thin: parse input, call the service, return its result. Rules live in service.ts.
import { parseInput } from '../common/input.js';
import type { Resolvers } from '../generated/resolvers.js';
import { enabledModules, moduleValue } from './modules.js';
import { setModuleEnabledInputSchema, switchCompanyInputSchema } from './validation.js';

export const companyResolvers: Resolvers = {
  Query: {
    myCompanies: (_parent, _args, ctx) => ctx.auth.companies.myCompanies(ctx),
  },
  Mutation: {
    switchCompany: async (_parent, { input }, ctx) => {
      const parsed = parseInput(switchCompanyInputSchema, input);
      return parsed.ok ? ctx.auth.companies.switchCompany(ctx, parsed.value) : parsed.failure;
    },
    setModuleEnabled: async (_parent, { input }, ctx) => {
      const parsed = parseInput(setModuleEnabledInputSchema, input);
      return parsed.ok ? ctx.auth.companies.setModuleEnabled(ctx, parsed.value) : parsed.failure;
    },
  },
  Company: {
    modules: (company) => enabledModules(company.modules).map(moduleValue),
  },
};
