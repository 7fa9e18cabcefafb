/**
 * Loads the sd_notify N-API addon (src/systemd/native/sd_notify.c, built by
 * node-gyp from the root binding.gyp into build/Release/). Node's dgram module
 * cannot send to a unix datagram socket, which is what NOTIFY_SOCKET is.
 *
 * The addon is found by walking up from this module's folder, so the same code
 * works from src/systemd/ under tsx and from dist/src/systemd/ after tsc, and on
 * the device (/opt/dialtone/dist/src/systemd -> /opt/dialtone/build/Release).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Sends one datagram `message` to the unix datagram socket `socketPath` ('@name' = abstract); throws on failure. */
export type NotifySender = (socketPath: string, message: string) => void;

export const SD_NOTIFY_ADDON = join('build', 'Release', 'sd_notify.node');

/** The first `relPath` found in `startDir` or one of its ancestors, or undefined. */
export function findUpward(relPath: string, startDir: string = dirname(fileURLToPath(import.meta.url))): string | undefined {
  for (let dir = startDir; ; dir = dirname(dir)) {
    const candidate = join(dir, relPath);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

interface SdNotifyAddon {
  notify(socketPath: string, message: string): void;
}

function isAddon(value: unknown): value is SdNotifyAddon {
  return typeof value === 'object' && value !== null && typeof (value as { notify?: unknown }).notify === 'function';
}

let loaded: NotifySender | Error | undefined;

/**
 * The addon's notify function. Throws an Error saying why when the addon is
 * missing or cannot be loaded (the result, either way, is cached).
 */
export function loadNativeSender(): NotifySender {
  if (loaded === undefined) loaded = tryLoad();
  if (loaded instanceof Error) throw loaded;
  return loaded;
}

function tryLoad(): NotifySender | Error {
  const file = findUpward(SD_NOTIFY_ADDON);
  if (file === undefined) {
    return new Error(`${SD_NOTIFY_ADDON} not found above ${dirname(fileURLToPath(import.meta.url))} (run \`npm run build:native\`)`);
  }
  try {
    const mod: unknown = createRequire(import.meta.url)(file);
    if (!isAddon(mod)) return new Error(`${file} does not export notify()`);
    const addon = mod;
    return (socketPath, message) => addon.notify(socketPath, message);
  } catch (err) {
    return new Error(`cannot load ${file}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
