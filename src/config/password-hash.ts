/**
 * Password hashing with scrypt (node:crypto): `scrypt$N$r$p$saltB64$hashB64`, a
 * random 16-byte salt, constant-time comparison. Hashes from a document are
 * checked against bounds so an imported hash cannot make every login take
 * minutes or gigabytes.
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** 16 MiB of memory and tens of milliseconds on a Pi: fine for a login. */
export const DEFAULT_SCRYPT: ScryptParams = { N: 16384, r: 8, p: 1 };

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const MAX_MEMORY = 64 * 1024 * 1024;

interface ParsedHash extends ScryptParams {
  salt: Buffer;
  hash: Buffer;
}

function memoryFor(params: ScryptParams): number {
  return 128 * params.N * params.r;
}

function derive(password: string, salt: Buffer, keyLength: number, params: ScryptParams): Buffer {
  return scryptSync(password.normalize('NFC'), salt, keyLength, {
    N: params.N, r: params.r, p: params.p, maxmem: memoryFor(params) + 1024 * 1024,
  });
}

export function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): string {
  const salt = randomBytes(SALT_LENGTH);
  const hash = derive(password, salt, KEY_LENGTH, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

function isBase64(s: string): boolean {
  return /^[A-Za-z0-9+/]+={0,2}$/.test(s) && s.length % 4 === 0;
}

/** The parts of a stored hash, or a message saying what is wrong with it. */
export function parsePasswordHash(encoded: string): ParsedHash | string {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return 'must be scrypt$N$r$p$salt$hash';
  const [, nText = '', rText = '', pText = '', saltText = '', hashText = ''] = parts;
  const [N, r, p] = [nText, rText, pText].map((t) => (/^[0-9]{1,9}$/.test(t) ? Number(t) : NaN)) as [number, number, number];
  if (!(N >= 1024 && N <= 1 << 20 && (N & (N - 1)) === 0)) return 'N must be a power of 2 from 1024 to 1048576';
  if (!(r >= 1 && r <= 32)) return 'r must be between 1 and 32';
  if (!(p >= 1 && p <= 16)) return 'p must be between 1 and 16';
  if (memoryFor({ N, r, p }) > MAX_MEMORY) return 'N and r need more than 64 MiB of memory';
  if (!isBase64(saltText) || !isBase64(hashText)) return 'salt and hash must be base64';
  const salt = Buffer.from(saltText, 'base64');
  const hash = Buffer.from(hashText, 'base64');
  if (salt.length < 8 || salt.length > 64) return 'salt must be 8 to 64 bytes';
  if (hash.length < 16 || hash.length > 128) return 'hash must be 16 to 128 bytes';
  return { N, r, p, salt, hash };
}

/** Whether `password` matches `encoded`; false for a malformed hash. */
export function verifyPassword(password: string, encoded: string): boolean {
  const parsed = parsePasswordHash(encoded);
  if (typeof parsed === 'string') return false;
  const candidate = derive(password, parsed.salt, parsed.hash.length, parsed);
  return timingSafeEqual(candidate, parsed.hash);
}
