// TOTP (RFC 6238) as authenticator apps expect it: SHA-1, 6 digits, 30 s steps, a 160-bit secret.
// A code is accepted for the current step and one step either side (RFC 6238 §5.2), and only for
// a step later than the last one accepted, so no code works twice.
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_ISSUER = 'OMNI';
/** Bytes of secret: the length of SHA-1's output, as RFC 6238 §5.1 recommends. */
const SECRET_BYTES = 20;

export interface TotpEnrollment {
  secret: string;
  otpauthUri: string;
  qrCodeDataUrl: string;
}

/** A fresh base32 secret. */
export function newTotpSecret(): string {
  return generateSecret({ length: SECRET_BYTES });
}

/** What an authenticator app needs to add the account: the secret, its URI and the URI's QR code. */
export async function describeEnrollment(secret: string, email: string): Promise<TotpEnrollment> {
  const otpauthUri = generateURI({ issuer: TOTP_ISSUER, label: email, secret, period: TOTP_PERIOD_SECONDS });
  const qrCodeDataUrl = await QRCode.toDataURL(otpauthUri, { type: 'image/png', errorCorrectionLevel: 'M' });
  return { secret, otpauthUri, qrCodeDataUrl };
}

/**
 * The time step `code` belongs to, if it is valid now (±1 step) and later than `afterStep`;
 * otherwise null. The caller must still persist the step atomically (replay across requests).
 */
export async function matchTotpStep(secret: string, code: string, afterStep: bigint | null, nowMs = Date.now()): Promise<bigint | null> {
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(nowMs / 1000),
    period: TOTP_PERIOD_SECONDS,
    epochTolerance: TOTP_PERIOD_SECONDS,
    ...(afterStep === null ? {} : { afterTimeStep: Number(afterStep) }),
  });
  // The union's HOTP half has no timeStep; a TOTP verification always reports it.
  return result.valid && 'timeStep' in result ? BigInt(result.timeStep) : null;
}
