// pino JSON logs. One root logger per process; a child per request carries requestId,
// companyId, userId and the operation name. Secrets are redacted by path.
import { pino, type Logger } from 'pino';

export type { Logger };

const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-omni-context"]',
  'req.headers["x-api-key"]',
  '*.secret',
  '*.currentPassword',
  '*.password',
  '*.newPassword',
  '*.accessToken',
  '*.refreshToken',
  '*.token',
  'variables.input.password',
];

export function createLogger(options: { service: string; level: string }): Logger {
  return pino({
    level: options.level,
    base: { service: options.service },
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
