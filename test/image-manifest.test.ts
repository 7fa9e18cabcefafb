/**
 * Issue 9: the image contains no build tools, no compiler, no default password and
 * no shared private key. When an image has been built (`npm run image`), its
 * manifest (image-build/out/dialtone-<version>-arm64.manifest.txt, also inside the
 * image at /usr/share/dialtone/manifest.txt) is checked here: the build's own scan
 * results, the package list read again against a list of build tools, the Node
 * major the addons were built for, and the SHA-256 sums beside the image.
 * Skipped when no image is there.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const OUT = join(ROOT, 'image-build', 'out');
const NAME = `dialtone-${VERSION}-arm64`;
const MANIFEST = join(OUT, `${NAME}.manifest.txt`);
const skip = existsSync(MANIFEST) ? false : `no image built (${NAME}.manifest.txt absent; npm run image)`;

/** Packages that compile or link code, or exist only to build it. */
const BUILD_TOOLS = /^(gcc|g\+\+|cpp|clang|llvm|make|cmake|binutils|build-essential|libc6-dev|node-gyp|autoconf|automake|libtool|pkgconf|pkg-config|dpkg-dev)(-[0-9.]+)?$/;

function field(text: string, name: string): string | undefined {
  return new RegExp(`^${name}: (.*)$`, 'm').exec(text)?.[1];
}

function section(text: string, name: string): string[] {
  const start = text.indexOf(`## ${name}\n`);
  if (start < 0) return [];
  const rest = text.slice(start + name.length + 4);
  const end = rest.indexOf('\n## ');
  return (end < 0 ? rest : rest.slice(0, end)).split('\n').filter((l) => l.trim() !== '');
}

function sha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file).on('data', (d) => h.update(d)).on('end', () => resolve(h.digest('hex'))).on('error', reject);
  });
}

test('the image manifest: no build tools, no private keys, no account with a password; Node 20; sums match', { skip }, async () => {
  const text = readFileSync(MANIFEST, 'utf8');
  assert.equal(field(text, 'name'), NAME);
  assert.equal(field(text, 'version'), VERSION);
  assert.equal(field(text, 'build-tools'), 'none', 'the build found no build tool');
  assert.equal(field(text, 'private-keys'), 'none', 'no private key is shipped: first boot makes them');
  assert.equal(field(text, 'accounts-with-password'), 'none', 'no account has a password: the admin sets one in the browser');
  assert.match(field(text, 'node') ?? '', /^v20\.\d+\.\d+ \(ABI 115,/, 'Debian 13\'s Node 20 (the ABI the addons were built for)');

  const packages = section(text, 'debian-packages').map((l) => l.split(' ')[0] ?? '');
  assert.ok(packages.length > 100, `the package list is there (${packages.length})`);
  for (const p of ['systemd', 'raspi-firmware', 'nodejs', 'avahi-daemon', 'alsa-utils']) assert.ok(packages.includes(p), `${p} is installed`);
  assert.deepEqual(packages.filter((p) => BUILD_TOOLS.test(p)), [], 'no build tool among the packages');
  assert.ok(section(text, 'npm-packages').some((l) => l.startsWith('better-sqlite3@')), 'the npm packages are listed');

  const sums = join(OUT, `${NAME}.sha256`);
  assert.ok(existsSync(sums), 'SHA-256 sums beside the image');
  for (const line of readFileSync(sums, 'utf8').trim().split('\n')) {
    const [sum, file] = line.split(/\s+\*?/);
    assert.ok(sum !== undefined && file !== undefined);
    assert.equal(await sha256(join(OUT, file)), sum, `${file} matches its sum`);
  }
});
