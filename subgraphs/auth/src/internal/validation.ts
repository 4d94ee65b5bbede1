// Bodies of the internal endpoints. The gateway sends ids it read from a verified token or a
// well-formed API key; anything else is a bad request.
import { z } from 'zod';

export const principalStateRequestSchema = z.strictObject({
  companyId: z.uuid(),
  userId: z.uuid(),
  sessionId: z.uuid(),
});

export const apiKeyRequestSchema = z.strictObject({
  companyId: z.uuid(),
  apiKeyId: z.uuid(),
  keyHash: z.string().regex(/^[0-9a-f]{64}$/),
});

export type PrincipalStateRequest = z.output<typeof principalStateRequestSchema>;
export type ApiKeyRequest = z.output<typeof apiKeyRequestSchema>;
