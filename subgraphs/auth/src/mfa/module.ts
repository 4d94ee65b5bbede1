// Builds the second-factor services. Two parts, because logIn (SessionService) needs the first
// and verifyMfa needs SessionService: create the login part, then the SessionService, then the rest.
import { SecretBox, type Config, type Database, type Logger, type Redis } from '@omni/core';
import type { AbuseLimits } from '../abuse/limits.js';
import type { EmailOutbox } from '../email/outbox.js';
import type { PasswordHasher } from '../passwords/hasher.js';
import type { PrincipalStatePublisher } from '../principal-state/publisher.js';
import type { SessionService } from '../session/service.js';
import { MfaChallenges } from './challenges.js';
import { LoginSecondFactor } from './login-challenge.js';
import { TotpService } from './service.js';
import { SecondFactorStepUp } from './step-up.js';
import { MfaVerifier } from './verification.js';

export interface MfaServices {
  totp: TotpService;
  verifier: MfaVerifier;
  /** The second factor again for other sensitive changes (changePassword). */
  stepUp: SecondFactorStepUp;
}

export function createLoginSecondFactor(database: Database, redis: Redis): { challenges: MfaChallenges; secondFactor: LoginSecondFactor } {
  const challenges = new MfaChallenges(redis);
  return { challenges, secondFactor: new LoginSecondFactor({ database, challenges }) };
}

export function createMfaServices(deps: {
  config: Pick<Config, 'dataEncryptionKey'>;
  database: Database;
  hasher: PasswordHasher;
  limits: AbuseLimits;
  challenges: MfaChallenges;
  sessions: SessionService;
  outbox: EmailOutbox;
  state: PrincipalStatePublisher;
  logger: Logger;
}): MfaServices {
  const box = new SecretBox(deps.config.dataEncryptionKey);
  const { database, hasher, limits, challenges, sessions, outbox, state, logger } = deps;
  return {
    totp: new TotpService({ database, hasher, box, limits, state, logger }),
    verifier: new MfaVerifier({ database, box, limits, challenges, sessions, outbox }),
    stepUp: new SecondFactorStepUp({ box, limits }),
  };
}
