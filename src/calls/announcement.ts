/**
 * Recorded announcements the box plays to a caller itself (call screening answers an
 * unknown caller with one). The prompts are 8 kHz 16-bit mono WAV files under
 * `audio/prompts/`, rendered from their text by `audio/prompts/make-prompts.sh`.
 *
 * Playing: the announcement is a line of its own for the SIP leg — an audio port on a
 * virtual frame clock whose "microphone" is the prompt — so the leg's media bridge
 * sends it like a phone's voice. When the prompt has played, the leg hangs up.
 */
import { readFileSync } from 'node:fs';
import { findUpward } from '../../audio/alsa/native-addon.js';
import { ClockedAudioPort, VirtualFrameClock } from '../../audio/port/audio-port.js';
import { parseWav } from '../../board/sim/wav.js';
import type { Clock } from '../clock.js';
import { toError } from '../errors.js';
import type { Logger } from '../log.js';
import type { SipLeg } from './sip-leg.js';

export type PromptName = 'unknown-caller' | 'leave-message' | 'test-call';

const FRAME = 160;
const cache = new Map<PromptName, Int16Array>();

/** A prompt's samples; throws when its file is missing or not 8 kHz 16-bit mono PCM. */
export function loadPrompt(name: PromptName): Int16Array {
  let samples = cache.get(name);
  if (samples === undefined) {
    const file = findUpward(`audio/prompts/${name}.wav`);
    if (file === undefined) throw new Error(`the announcement audio/prompts/${name}.wav is missing`);
    samples = parseWav(readFileSync(file));
    cache.set(name, samples);
  }
  return samples;
}

/** Reads a prompt a frame at a time: the next frame (the last padded with silence), or undefined once it has all been read. */
export function promptFrames(samples: Int16Array, frameSamples: number): () => Int16Array | undefined {
  let at = 0;
  return () => {
    if (at >= samples.length) return undefined;
    const frame = new Int16Array(frameSamples);
    frame.set(samples.subarray(at, Math.min(at + frameSamples, samples.length)));
    at += frameSamples;
    return frame;
  };
}

export interface AnnouncementDeps {
  readonly clock: Clock;
  readonly log: Logger;
}

/** Plays `samples` to the far end of an answered (or answering) leg, then hangs it up. Resolves when done. */
export function announceThenHangUp(deps: AnnouncementDeps, leg: SipLeg, samples: Int16Array): Promise<void> {
  return new Promise((resolve) => {
    const next = promptFrames(samples, FRAME);
    const frames = new VirtualFrameClock(deps.clock, { onError: (err) => deps.log.warn('announcement audio failed', { err: toError(err).message }) });
    const port = new ClockedAudioPort({
      clock: frames,
      source: () => {
        const frame = next();
        if (frame !== undefined) return frame;
        deps.clock.setTimer(0, finish); // not from inside the clock's own tick
        return new Int16Array(FRAME);
      },
    });
    let done = false;
    function finish(): void {
      if (done) return;
      done = true;
      frames.stop();
      leg.detach();
      port.close();
      leg.hangup();
      resolve();
    }
    leg.on('ended', finish);
    leg.attach(port);
    frames.start();
  });
}
