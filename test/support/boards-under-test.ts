/**
 * The boards the end-to-end call tests run on: the simulated board, and the
 * gpio-slic + gpio-daa board over the fake GPIO layer and ALSA file PCMs
 * (hardware-box.ts). Both are driven and observed through the same `Box`.
 */
import { hardwareBoxSkip, startHardwareBox } from './hardware-box.js';
import { startBox, type Box } from './phones.js';

export interface BoardUnderTest {
  /** Put before each test's name. */
  readonly name: string;
  readonly start: (doc: Record<string, unknown>, opts?: { dataDir?: string; args?: string[] }) => Promise<Box>;
  /** Why it cannot run here, or false. */
  readonly skip: string | false;
}

export const BOARDS_UNDER_TEST: readonly BoardUnderTest[] = [
  { name: 'sim', start: startBox, skip: false },
  { name: 'gpio-slic + gpio-daa', start: startHardwareBox, skip: hardwareBoxSkip },
];
