// Recovery codes: ten single-use codes handed out once when the second factor is turned on, for
// when the authenticator is lost. Only their SHA-256 is stored; each one can be used once.
import { createHash, randomInt } from 'node:crypto';

export const RECOVERY_CODE_COUNT = 10;
/** No 0/o, 1/l/i: codes are read off paper and typed by hand. 31 symbols, 10 of them: ~49 bits. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const GROUP = 5;

/** `xxxxx-xxxxx`, case-insensitive; the dash may be left out. */
export const RECOVERY_CODE_PATTERN = new RegExp(`^[${ALPHABET}]{${GROUP}}-?[${ALPHABET}]{${GROUP}}$`, 'i');

export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  const group = () => Array.from({ length: GROUP }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return Array.from({ length: count }, () => `${group()}-${group()}`);
}

/** Hex SHA-256 of the canonical form (lower case, with the dash), as stored in RecoveryCode. */
export function hashRecoveryCode(code: string): string {
  const compact = code.trim().toLowerCase().replace('-', '');
  return createHash('sha256').update(`${compact.slice(0, GROUP)}-${compact.slice(GROUP)}`).digest('hex');
}
