/**
 * Password hashing as GoTrue does it: bcrypt at cost 10 (golang.org/x/crypto/bcrypt's
 * `DefaultCost`), stored in the modular crypt format `$2a$10$<22-char salt><31-char hash>`. A hash
 * written by GoTrue verifies here and a hash written here verifies in GoTrue, so accounts can move
 * between the kit's Auth face and a real Supabase project, and the seed can write `auth.users` rows
 * directly with one hash per run. Hence in lib/: the Auth face (stack/) and the seed both hash.
 *
 * bcryptjs (pure JS, BSD-3-Clause) computes the hash in slices on the event loop, so a sign-in
 * (about 0.1 s of CPU at cost 10) does not stall other requests for its whole duration.
 */
import { randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';

/** GoTrue's cost (bcrypt.DefaultCost). */
export const BCRYPT_COST = 10;

/** `$2a$`, `$2b$` and `$2y$` differ only in how old implementations treated long passwords. */
const BCRYPT = /^\$2[aby]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/;

/**
 * bcrypt hash of `password`. `salt` (16 bytes) makes the hash reproducible, for the seed's one hash
 * per run; without it the salt is random, as GoTrue's.
 */
export function hashPassword(password: string, salt: Uint8Array = randomBytes(16)): Promise<string> {
  if (salt.length !== 16) throw new RangeError(`bcrypt salt: expected 16 bytes, received ${salt.length}`);
  // GoTrue's prefix (Go writes $2a$); identical output to $2b$ for passwords under 255 bytes.
  return bcrypt.hash(password, `$2a$${String(BCRYPT_COST).padStart(2, '0')}$${bcrypt.encodeBase64(salt, 16)}`);
}

/** False for a wrong password and for anything that is not a bcrypt hash (e.g. '' for no password). */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  if (!stored || !BCRYPT.test(stored)) return false;
  return bcrypt.compare(password, stored);
}
