/** The page's files: compressed as the client accepts, revalidated by ETag, nothing outside the folder. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { pickEncoding, StaticAssets } from './static-assets.js';

test('text files come with brotli and gzip copies that decode to the file; prebuilt copies are used as they are', () => {
  const root = mkdtempSync(join(tmpdir(), 'dialtone-static-'));
  try {
    mkdirSync(join(root, 'js'));
    const js = 'export const x = 1;\n'.repeat(50);
    writeFileSync(join(root, 'js', 'a.js'), js);
    writeFileSync(join(root, 'b.css'), 'body{}');
    writeFileSync(join(root, 'b.css.gz'), 'prebuilt');
    writeFileSync(join(root, 'c.png'), Buffer.from([1, 2, 3]));
    const assets = new StaticAssets(root);
    const a = assets.get('js/a.js');
    assert.ok(a?.br !== undefined && a.gzip !== undefined);
    assert.equal(brotliDecompressSync(a.br).toString(), js);
    assert.equal(gunzipSync(a.gzip).toString(), js);
    assert.equal(a.type, 'text/javascript; charset=utf-8');
    assert.equal(assets.get('b.css')?.gzip?.toString(), 'prebuilt');
    assert.equal(assets.get('c.png')?.br, undefined, 'images are not recompressed');
    assert.equal(assets.get('../etc/passwd'), undefined);
    assert.equal(assets.get('b.css.gz'), undefined, 'compressed copies are not files of their own');
    assert.equal(assets.get('missing.js'), undefined);
    assert.equal(pickEncoding('gzip, deflate, br', a), 'br');
    assert.equal(pickEncoding('gzip', a), 'gzip');
    assert.equal(pickEncoding(undefined, a), 'identity');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
