/**
 * Codec glue for the media bridge: turns a negotiated codec (src/sip/sdp/types.ts)
 * into an encoder and a decoder that both speak the bridge's audio format, 8 kHz
 * 16-bit linear (audio/pcm.ts), whatever the codec's own sampling rate.
 *
 * - PCMU / PCMA (G.711, audio/g711): one octet per 8 kHz sample, stateless.
 * - G.722 (audio/g722): the codec samples at 16 kHz, so the encoder upsamples
 *   8 kHz → 16 kHz first (audio/dsp/resampler.ts) and the decoder downsamples its
 *   16 kHz output back to 8 kHz. One octet per two 16 kHz samples, i.e. one octet
 *   per 8 kHz sample — which is also why its RTP timestamp counts at 8000 Hz
 *   (RFC 3551 §4.5.2: an error kept for compatibility). The two resamplers add
 *   their filter delay (`latencySamples`, about 2 ms each way with the 'good'
 *   design); audio that went in band-limited to 4 kHz loses nothing else.
 *
 * For every codec here, a payload of N octets therefore holds N samples at 8 kHz
 * and spans N RTP timestamp units.
 */
import { PCMA, PCMU } from '../../audio/g711/index.js';
import { G722Decoder, G722Encoder } from '../../audio/g722/index.js';
import { Resampler } from '../../audio/dsp/resampler.js';
import { DialtoneError } from '../errors.js';
import type { NegotiatedCodec } from '../sip/sdp/types.js';
import type { MosCodec } from './mos.js';

/** Encodes 8 kHz linear PCM into an RTP payload of the codec. Stateful for G.722: one per stream. */
export interface MediaEncoder {
  readonly name: MosCodec;
  encode(pcm8k: Int16Array): Uint8Array;
}

/** Decodes RTP payloads of the codec into 8 kHz linear PCM. Stateful for G.722: one per stream. */
export interface MediaDecoder {
  readonly name: MosCodec;
  decode(payload: Uint8Array): Int16Array;
}

/** The bridge's sampling rate, and the RTP timestamp rate of every codec here. */
export const BRIDGE_RATE = 8000;

class G722MediaEncoder implements MediaEncoder {
  readonly name = 'G722';
  private readonly up = new Resampler(BRIDGE_RATE, 16000);
  private readonly encoder = new G722Encoder();
  encode(pcm8k: Int16Array): Uint8Array {
    return this.encoder.encode(this.up.process(pcm8k));
  }
}

class G722MediaDecoder implements MediaDecoder {
  readonly name = 'G722';
  private readonly down = new Resampler(16000, BRIDGE_RATE);
  private readonly decoder = new G722Decoder();
  decode(payload: Uint8Array): Int16Array {
    const pcm8k = this.down.process(this.decoder.decode(payload));
    if (pcm8k.length === payload.length) return pcm8k;
    // The 2:1 decimator gives exactly one output per two inputs; guard the contract anyway.
    const fitted = new Int16Array(payload.length);
    fitted.set(pcm8k.subarray(0, payload.length));
    return fitted;
  }
}

function check(codec: NegotiatedCodec): void {
  const name: string = codec.name;
  if (name !== 'PCMU' && name !== 'PCMA' && name !== 'G722') {
    throw new DialtoneError('unsupported_codec', `the media bridge cannot carry ${name}`, { codec: name });
  }
  if (codec.rtpClockRate !== BRIDGE_RATE) {
    throw new DialtoneError('unsupported_codec', `${name} with an RTP clock of ${codec.rtpClockRate} Hz is not supported (expected ${BRIDGE_RATE})`, {
      codec: name,
      rtpClockRate: codec.rtpClockRate,
    });
  }
}

/** An encoder for the negotiated codec; throws DialtoneError('unsupported_codec') for anything else. */
export function createEncoder(codec: NegotiatedCodec): MediaEncoder {
  check(codec);
  if (codec.name === 'G722') return new G722MediaEncoder();
  // A G.711 codec object is already an encoder and a decoder (stateless).
  return codec.name === 'PCMU' ? PCMU : PCMA;
}

/** A decoder for the negotiated codec; throws DialtoneError('unsupported_codec') for anything else. */
export function createDecoder(codec: NegotiatedCodec): MediaDecoder {
  check(codec);
  if (codec.name === 'G722') return new G722MediaDecoder();
  return codec.name === 'PCMU' ? PCMU : PCMA;
}
