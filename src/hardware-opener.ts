/**
 * Which hardware profile the board part opens, decided again at each start of it:
 * `--profile` on the command line, else the profile chosen on the page (the stored
 * `boardProfile` setting), else the board's default. A stored choice that no longer
 * loads (its file removed, or of another board) falls back to the default with a
 * warning: a stale choice never stops the box. `--modem` applies to whichever profile.
 */
import type { AudioPort } from '../audio/port/audio-port.js';
import { openHardwareBoard } from '../board/hardware-board.js';
import type { GpioBackend } from '../board/gpio/gpio.js';
import { sysfsGpioBackend } from '../board/gpio/sysfs-gpio.js';
import type { AudioDeviceSpec, BoardProfile } from '../board/profiles/profile-types.js';
import { DEFAULT_PROFILES, loadBoardProfile, ProfileError, type ProfileBoard } from '../board/profiles/profiles.js';
import type { HardwareOpener } from './lines-service.js';
import type { Clock } from './clock.js';
import type { Logger } from './log.js';

export interface ProfileChoiceOptions {
  /** `--profile`: wins over the stored choice. */
  readonly commandLine?: string | undefined;
  /** The stored `boardProfile` setting. */
  readonly stored?: string | undefined;
  /** `--modem`: the usb-modem port's serial device. */
  readonly modem?: string | undefined;
  /** The profile files' folder (tests). */
  readonly dir?: string;
}

/** The profile to open on `board`, and whether it came from the command line. */
export function chooseBoardProfile(board: ProfileBoard, opts: ProfileChoiceOptions, log: Logger): { profile: BoardProfile; fromCommandLine: boolean } {
  const common = { ...(opts.modem !== undefined ? { modem: opts.modem } : {}), ...(opts.dir !== undefined ? { dir: opts.dir } : {}) };
  if (opts.commandLine !== undefined) {
    if (opts.stored !== undefined && opts.stored !== opts.commandLine) {
      log.info('--profile wins over the hardware chosen on the page', { profile: opts.commandLine, stored: opts.stored });
    }
    return { profile: loadBoardProfile(board, { ...common, profile: opts.commandLine }), fromCommandLine: true };
  }
  if (opts.stored !== undefined) {
    try {
      return { profile: loadBoardProfile(board, { ...common, profile: opts.stored }), fromCommandLine: false };
    } catch (err) {
      if (!(err instanceof ProfileError)) throw err;
      log.warn('the hardware chosen on the page cannot be used; using the board\'s default', {
        stored: opts.stored, default: DEFAULT_PROFILES[board], err: err.message,
      });
    }
  }
  return { profile: loadBoardProfile(board, common), fromCommandLine: false };
}

/** How the hardware is reached, when not the device's own way (tests: a fake GPIO layer, paced software PCMs). */
export interface HardwareDevices {
  readonly gpio?: (clock: Clock, log: Logger) => GpioBackend;
  /** Opens a port's sound card; `lost` is called when it goes away. */
  readonly openAudio?: (spec: AudioDeviceSpec, lost: (reason: string) => void, log: Logger) => AudioPort;
}

/**
 * Opens the chosen profile's hardware on the device: GPIO over sysfs (chips found
 * under `gpioRoot`), ALSA, serial; `devices` replaces GPIO or audio.
 */
export function hardwareOpener(board: ProfileBoard, opts: { profile?: string | undefined; modem?: string | undefined; gpioRoot?: string | undefined }, devices: HardwareDevices = {}): HardwareOpener {
  return async ({ clock, log, profileId }) => {
    const { profile, fromCommandLine } = chooseBoardProfile(board, { commandLine: opts.profile, stored: profileId(), modem: opts.modem }, log);
    const gpioLog = log.child({ component: 'gpio' });
    const makeGpio = devices.gpio;
    const openAudio = devices.openAudio;
    const opened = await openHardwareBoard(profile, {
      clock, log,
      gpio: makeGpio !== undefined
        ? () => makeGpio(clock, gpioLog)
        : () => sysfsGpioBackend({ clock, log: gpioLog, ...(opts.gpioRoot !== undefined ? { sysRoot: opts.gpioRoot } : {}) }),
      ...(openAudio !== undefined ? { openAudio: (spec: AudioDeviceSpec, port: number, lost: (reason: string) => void) => openAudio(spec, lost, log.child({ port })) } : {}),
    });
    return { board: opened, profile: { id: profile.id, name: profile.name, fromCommandLine } };
  };
}
