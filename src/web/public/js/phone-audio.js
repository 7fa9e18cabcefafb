// The virtual phone's sound in the browser: plays the earpiece (8 kHz frames from
// the WebSocket) and captures the microphone (8 kHz frames to the WebSocket), in an
// AudioWorklet (phone-audio-worklet.js) or, where there is none, a ScriptProcessor.
// Start it only from a user gesture (browsers keep audio off until then).
import { PhoneDsp } from './phone-audio-worklet.js';

/**
 * createPhoneAudio(onMicFrame) → { start(), pushEarpiece(pcm), startMic() → Promise<string|null>, stopMic(), close() }
 * startMic resolves with null when the microphone is on, else the reason in words.
 */
export function createPhoneAudio(onMicFrame) {
  let ctx;
  let node;
  let dsp; // the ScriptProcessor fallback's
  let micStream;
  let micSource;
  let micOn = false;

  const start = async () => {
    if (ctx) { await ctx.resume(); return; }
    const AC = window.AudioContext ?? window.webkitAudioContext;
    if (!AC) throw new Error('This browser cannot play audio (no Web Audio).');
    ctx = new AC();
    if (ctx.audioWorklet) {
      await ctx.audioWorklet.addModule('/static/js/phone-audio-worklet.js');
      node = new AudioWorkletNode(ctx, 'dialtone-phone', { numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1], processorOptions: { rate: ctx.sampleRate } });
      node.port.onmessage = (e) => { if (micOn && e.data instanceof Int16Array) onMicFrame(e.data); };
    } else {
      dsp = new PhoneDsp(ctx.sampleRate);
      node = ctx.createScriptProcessor(1024, 1, 1);
      node.onaudioprocess = (e) => {
        if (micOn) dsp.capture(e.inputBuffer.getChannelData(0), onMicFrame);
        dsp.render(e.outputBuffer.getChannelData(0));
      };
    }
    node.connect(ctx.destination);
    await ctx.resume();
  };

  return {
    start,
    get running() { return ctx?.state === 'running'; },
    pushEarpiece(pcm) {
      if (!ctx || !node) return; // not started, or still loading the worklet
      if (dsp) dsp.push(pcm);
      else node.port.postMessage(pcm);
    },
    async startMic() {
      if (!navigator.mediaDevices?.getUserMedia) return 'This page cannot use a microphone here (it needs https or localhost).';
      try {
        await start();
        micStream ??= await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true } });
        micSource ??= ctx.createMediaStreamSource(micStream);
        micSource.connect(node);
        micOn = true;
        return null;
      } catch (err) {
        return err?.name === 'NotAllowedError' ? 'The microphone was not allowed.' : err?.name === 'NotFoundError' ? 'No microphone was found.' : `No microphone: ${err?.message ?? err}`;
      }
    },
    stopMic() {
      micOn = false;
      try { micSource?.disconnect(); } catch { /* not connected */ }
    },
    close() {
      micOn = false;
      for (const t of micStream?.getTracks() ?? []) t.stop();
      ctx?.close().catch(() => {});
      ctx = undefined;
    },
  };
}
