/**
 * Password hashing with scrypt (node:crypto), a per-user random salt and a self-describing format
 * `scrypt$N=<cost>,r=<block>,p=<parallel>$<salt b64>$<hash b64>`, so the cost can change later
 * without breaking stored hashes.
 *
 * The cost is deliberately moderate (N = 2^14, about 16 MiB and a few tens of ms): seeding creates
 * thousands of users, 20 at a time, on two shared cores. It runs on libuv's thread pool, never on
 * the event loop.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const DEFAULT = { N: 16_384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, options: ScryptOptions, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, length, { ...options, maxmem: 64 * 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, DEFAULT, KEY_LENGTH);
  return `scrypt$N=${DEFAULT.N},r=${DEFAULT.r},p=${DEFAULT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

const FORMAT = /^scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

/** False for a wrong password and for a hash in a format this module does not know (e.g. bcrypt). */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const match = FORMAT.exec(stored ?? '');
  if (!match) return false;
  const [, n, r, p, saltText, keyText] = match as unknown as [string, string, string, string, string, string];
  const expected = Buffer.from(keyText, 'base64');
  const key = await derive(password, Buffer.from(saltText, 'base64'), { N: Number(n), r: Number(r), p: Number(p) }, expected.length);
  return key.length === expected.length && timingSafeEqual(key, expected);
}
