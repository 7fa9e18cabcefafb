/**
 * Loads the alsa_pcm N-API addon (audio/alsa/native/, built by node-gyp from
 * the root binding.gyp into build/Release/). Like src/systemd/native.ts, it is
 * found by walking up from this module's folder, so the same code works from
 * audio/alsa/ under tsx and from dist/audio/alsa/ after tsc, and on the device.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ALSA_PCM_ADDON = join('build', 'Release', 'alsa_pcm.node');

/** What the addon's open() returns: an opaque, type-tagged handle with the granted setup. */
export interface NativeHandle {
  readonly rate: number;
  readonly channels: number;
  readonly periodFrames: number;
  readonly bufferFrames: number;
}

export interface NativeOpenOptions {
  rate: number;
  channels: number;
  periodFrames: number;
  periods: number;
  queuePeriods?: number;
  startThreshold?: number;
  availMin?: number;
  pace?: boolean;
}

export interface NativeStats {
  /** Xruns recovered (-EPIPE / -ESTRPIPE, or -EIO / -EBADFD cured by a prepare). */
  xruns: number;
  /** Capture: frames dropped because the event loop fell behind (whole periods, oldest first). */
  droppedFrames: number;
  /** Playback: periods padded with silence because the ring ran short. */
  underruns: number;
  /** Playback: ring + device delay; capture: device delay + queue. In frames. */
  delayFrames: number;
  /** Playback: frames waiting in the ring; capture: frames waiting for the event loop. */
  queuedFrames: number;
  /** Frames transferred to or from the device. */
  frames: number;
  /** CPU time of the stream's I/O thread. */
  threadCpuMs: number;
}

/** Event kinds passed to onEvent: (0, Int16Array), (1), (2, errno, message). */
export const EV_FRAMES = 0;
export const EV_XRUN = 1;
export const EV_ERROR = 2;

export type NativeEventHandler = (kind: number, a?: unknown, b?: unknown) => void;

export interface AlsaPcmAddon {
  open(device: string, capture: boolean, opts: NativeOpenOptions, onEvent: NativeEventHandler): NativeHandle;
  write(handle: NativeHandle, samples: Int16Array): number;
  stats(handle: NativeHandle): NativeStats;
  close(handle: NativeHandle): void;
  /** Test hook: the next `times` reads or writes fail with -errno. */
  inject(handle: NativeHandle, errno: number, times: number): void;
  /** Handles not yet freed (closed and garbage-collected): a leak check for the tests. */
  liveHandles(): number;
  readonly alsaVersion: string;
}

/** The first `relPath` found in `startDir` or one of its ancestors, or undefined. */
export function findUpward(relPath: string, startDir: string = dirname(fileURLToPath(import.meta.url))): string | undefined {
  for (let dir = startDir; ; dir = dirname(dir)) {
    const candidate = join(dir, relPath);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

function isAddon(value: unknown): value is AlsaPcmAddon {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return ['open', 'write', 'stats', 'close', 'inject'].every((k) => typeof v[k] === 'function');
}

let loaded: AlsaPcmAddon | Error | undefined;

/** The addon, or an Error saying why it cannot be loaded (cached either way). */
export function tryLoadAlsaAddon(): AlsaPcmAddon | Error {
  if (loaded === undefined) loaded = load();
  return loaded;
}

function load(): AlsaPcmAddon | Error {
  const file = findUpward(ALSA_PCM_ADDON);
  if (file === undefined) {
    return new Error(`${ALSA_PCM_ADDON} not found above ${dirname(fileURLToPath(import.meta.url))} (run \`npm run build:native\`)`);
  }
  try {
    const mod: unknown = createRequire(import.meta.url)(file);
    return isAddon(mod) ? mod : new Error(`${file} does not export the alsa_pcm functions`);
  } catch (err) {
    return new Error(`cannot load ${file}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
