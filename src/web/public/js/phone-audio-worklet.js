// The virtual phone's audio: 8 kHz earpiece frames up to the AudioContext's rate,
// and the microphone down to 8 kHz, by linear interpolation. PhoneDsp is plain code
// (also used by the ScriptProcessor fallback); the processor exists only when this
// file runs as an AudioWorklet module.

const RING = 16384; // samples at 8 kHz (≈ 2 s)
const START_SAMPLES = 480; // 60 ms buffered before playing
const MAX_BEHIND = 3200; // 400 ms: more and the oldest is skipped
const FRAME = 160;

export class PhoneDsp {
  constructor(rate) {
    this.step = 8000 / rate; // 8 kHz samples per output sample
    this.micStep = rate / 8000; // input samples per 8 kHz sample
    this.ring = new Float32Array(RING);
    this.w = 0;
    this.r = 0;
    this.playing = false;
    this.micT = 0;
    this.micPrev = 0;
    this.micOut = new Int16Array(FRAME);
    this.micN = 0;
  }

  /** Queues earpiece samples (Int16Array at 8 kHz). */
  push(pcm) {
    for (let i = 0; i < pcm.length; i++) this.ring[(this.w + i) % RING] = pcm[i] / 32768;
    this.w += pcm.length;
    if (this.w - this.r > MAX_BEHIND) this.r = this.w - START_SAMPLES;
  }

  /** Fills `out` (Float32Array at the context's rate) from the earpiece queue. */
  render(out) {
    if (!this.playing && this.w - this.r >= START_SAMPLES) this.playing = true;
    for (let i = 0; i < out.length; i++) {
      if (!this.playing || this.w - this.r < 2) {
        this.playing = false;
        out[i] = 0;
        continue;
      }
      const i0 = Math.floor(this.r);
      const f = this.r - i0;
      const a = this.ring[i0 % RING];
      const b = this.ring[(i0 + 1) % RING];
      out[i] = a + (b - a) * f;
      this.r += this.step;
    }
  }

  /** Takes a microphone block (Float32Array at the context's rate); calls emit(Int16Array of 160) per 20 ms. */
  capture(x, emit) {
    let t = this.micT;
    const n = x.length;
    while (t <= n - 1) {
      const i = Math.floor(t);
      const f = t - i;
      const a = i < 0 ? this.micPrev : x[i];
      const b = i + 1 < n ? x[i + 1] : a;
      const v = Math.max(-1, Math.min(1, a + (b - a) * f));
      this.micOut[this.micN++] = Math.round(v * 32767);
      if (this.micN === FRAME) {
        emit(this.micOut.slice());
        this.micN = 0;
      }
      t += this.micStep;
    }
    this.micT = t - n;
    if (n > 0) this.micPrev = x[n - 1];
  }
}

if (typeof registerProcessor === 'function' && typeof AudioWorkletProcessor === 'function') {
  class PhoneProcessor extends AudioWorkletProcessor {
    constructor(options) {
      super();
      this.dsp = new PhoneDsp(options.processorOptions?.rate ?? sampleRate);
      this.port.onmessage = (e) => {
        if (e.data instanceof Int16Array) this.dsp.push(e.data);
      };
    }

    process(inputs, outputs) {
      const mic = inputs[0]?.[0];
      if (mic) this.dsp.capture(mic, (frame) => this.port.postMessage(frame, [frame.buffer]));
      const out = outputs[0];
      if (out?.[0]) {
        this.dsp.render(out[0]);
        for (let c = 1; c < out.length; c++) out[c].set(out[0]);
      }
      return true;
    }
  }
  registerProcessor('dialtone-phone', PhoneProcessor);
}
