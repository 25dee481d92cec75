// Plays the spoken pieces of replies as they arrive, one after another, and tells the host how far
// it got. Speech goes out through a local RTCPeerConnection loopback, because Chromium's echo
// canceller only removes what is played through a peer connection (VOICE-FACTS): with it, the
// microphone does not hear the companion. Ducking lowers the volume (−20 dB) at once.
import { decodeSpeechFrame, type SpeechHeader } from '../../engines/bus/index.ts';

export type PlaybackReport = { turnId: string; heardMs: number; ended: boolean };

export type Playback = {
  /** A binary speech frame from the host. */
  play(frame: Uint8Array): SpeechHeader | null;
  duck(on: boolean): void;
  stop(): void;
  /** The turn being played and how much of it was heard, or null. */
  now(): PlaybackReport | null;
  close(): void;
};

const DUCKED = 0.1;

type Scheduled = { source: AudioBufferSourceNode; at: number; seconds: number };

/** Routes `gain` through a peer connection to an <audio> element; false when it cannot. */
async function loopback(context: AudioContext, gain: GainNode): Promise<() => void> {
  const destination = context.createMediaStreamDestination();
  const a = new RTCPeerConnection();
  const b = new RTCPeerConnection();
  a.onicecandidate = (e) => e.candidate && void b.addIceCandidate(e.candidate);
  b.onicecandidate = (e) => e.candidate && void a.addIceCandidate(e.candidate);
  const audio = new Audio();
  b.ontrack = (e) => {
    audio.srcObject = e.streams[0];
    void audio.play().catch(() => {});
  };
  for (const track of destination.stream.getTracks()) a.addTrack(track, destination.stream);
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription!);
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription!);
  gain.disconnect();
  gain.connect(destination);
  return () => {
    a.close();
    b.close();
    audio.srcObject = null;
  };
}

function toBuffer(context: AudioContext, samples: Int16Array, rate: number): AudioBuffer {
  const buffer = context.createBuffer(1, Math.max(1, samples.length), rate);
  const channel = buffer.getChannelData(0);
  for (let i = 0; i < samples.length; i++) channel[i] = samples[i] / 32768;
  return buffer;
}

/** `report` hears the position every 250 ms while playing, and once when all was played. */
export function createPlayback(report: (r: PlaybackReport) => void): Playback {
  const context = new AudioContext();
  const gain = context.createGain();
  gain.connect(context.destination);
  // Without peer connections, speech goes straight to the speakers.
  const closeLoop = loopback(context, gain).catch(() => () => {});
  let turnId: string | null = null;
  let scheduled: Scheduled[] = [];
  let endsAt = 0;
  let ended = true;
  const heardMs = () =>
    scheduled.reduce(
      (ms, s) => ms + Math.max(0, Math.min(s.seconds, context.currentTime - s.at)) * 1000,
      0,
    );
  const timer = setInterval(() => {
    if (!turnId || ended) return;
    ended = context.currentTime >= endsAt;
    report({ turnId, heardMs: Math.round(heardMs()), ended });
  }, 250);

  function stop(): void {
    for (const s of scheduled) s.source.stop();
    scheduled = [];
    turnId = null;
    ended = true;
    gain.gain.value = 1;
  }

  return {
    play(frame) {
      const piece = decodeSpeechFrame(frame);
      if (!piece) return null;
      const { header, samples } = piece;
      if (header.turnId !== turnId) stop();
      turnId = header.turnId;
      void context.resume();
      const source = context.createBufferSource();
      source.buffer = toBuffer(context, samples, header.sampleRate);
      source.connect(gain);
      const at = Math.max(context.currentTime + 0.02, endsAt);
      source.start(at);
      endsAt = at + source.buffer.duration;
      scheduled.push({ source, at, seconds: source.buffer.duration });
      ended = false;
      return header;
    },
    duck(on) {
      gain.gain.setTargetAtTime(on ? DUCKED : 1, context.currentTime, 0.01);
    },
    stop,
    now: () => (turnId ? { turnId, heardMs: Math.round(heardMs()), ended } : null),
    close() {
      stop();
      clearInterval(timer);
      void closeLoop.then((close) => close());
      void context.close();
    },
  };
}
