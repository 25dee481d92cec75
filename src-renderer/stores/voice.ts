// Voice in the workspace: the microphone (hands-free toggle or push-to-talk), the words as they
// are recognised, replies spoken aloud (played as they arrive, ducked and stopped as the host
// says), and why something did not work. Typing always works; this only adds a way in.
import type { SpeechHeader, VoiceStatus } from '../../engines/bus/index.ts';
import { say, type AetherClient } from '../ipc/client.ts';
import { startCapture, type Capture, type OnLevel } from '../voice/capture.ts';
import { createPlayback, type Playback, type PlaybackReport } from '../voice/playback.ts';
import { boundStore, type Slice } from './bound.ts';

export type VoiceState = {
  status: VoiceStatus | null;
  micOn: boolean;
  /** The microphone is open only while the push-to-talk key is held. */
  pushToTalk: boolean;
  /** The words recognised so far, while the user speaks. */
  transcript: string | null;
  outputOn: boolean;
  /** The reply being played and the words of the piece playing now. */
  speaking: { turnId: string; text: string; heardMs: number } | null;
  /** What went wrong, in plain words, with what to do about it. */
  problem: string | null;
  /** For the inspector: what the pipeline is doing and how fast it was. */
  pipeline: Pipeline;
  /** The microphone's loudness now (RMS, 0..1), for a level meter. */
  level: number;
  /** A microphone test (the first run): words are shown, never sent as a message. */
  testing: boolean;
  toggle(): Promise<void>;
  holdToTalk(down: boolean): Promise<void>;
  testMic(on: boolean): Promise<void>;
  toggleOutput(): Promise<void>;
  stopSpeaking(): Promise<void>;
  /** A sample line is being said in the persona's voice (played even while replies are not). */
  previewing: boolean;
  preview(): Promise<void>;
  reload(): Promise<void>;
};

export type Pipeline = {
  /** Whether the VAD hears speech now. */
  vad: 'speech' | 'quiet';
  /** The latest words recognised (partial or final) and how long decoding them took. */
  heard: string | null;
  decodeMs: number | null;
  /** End of the user's speech to the first spoken piece of the reply. */
  firstAudioMs: number | null;
};

const QUIET: Pipeline = { vad: 'quiet', heard: null, decodeMs: null, firstAudioMs: null };

export type VoiceParts = {
  start?: (send: (frame: Uint8Array) => void, onLevel?: OnLevel) => Promise<Capture>;
  playback?: (report: (r: PlaybackReport) => void) => Playback;
  /** The final words become a message in the open conversation, as if typed. */
  sendText?: (text: string) => Promise<unknown>;
  /** The words so far, read ahead by the model while the user still speaks (at once: paused). */
  preloadText?: (text: string, now?: boolean) => void;
};

/** Microphone loudness (RMS) that counts as the user starting to speak over the reply. */
const GATE = 0.04;
/** The local duck lasts this long unless the host confirms the barge-in (and stops playback). */
const LOCAL_DUCK_MS = 1500;

type Own = { capture: Capture | null; playback: Playback | null; ducked: number | null };

const microphone =
  (
    own: Own,
    parts: Required<VoiceParts>,
  ): Slice<
    VoiceState,
    'micOn' | 'pushToTalk' | 'problem' | 'toggle' | 'holdToTalk' | 'level' | 'testing' | 'testMic'
  > =>
  (client, set, get) => {
    let levelAt = 0;
    const open = async (pushToTalk: boolean, testing = false) => {
      try {
        const onLevel = (rms: number, atMs: number) => {
          gate(own, get, rms, atMs);
          // A meter needs ten updates a second, not one per audio block.
          if (atMs - levelAt >= 100 || atMs < levelAt) {
            levelAt = atMs;
            set({ level: rms });
          }
        };
        own.capture = await parts.start((frame) => client.sendAudio(frame), onLevel);
        set({ micOn: true, pushToTalk, problem: null, testing });
      } catch (error) {
        // Permission denied, or no microphone: say so; typing goes on.
        set({ problem: `The microphone could not be opened (${say(error)}). You can still type.` });
      }
    };
    const close = () => {
      own.capture?.stop();
      own.capture = null;
      set({ micOn: false, pushToTalk: false, testing: false, level: 0 });
    };
    return {
      micOn: false,
      pushToTalk: false,
      problem: null,
      level: 0,
      testing: false,
      async testMic(on) {
        if (get().micOn) close();
        if (on) await open(false, true);
      },
      toggle: () => (get().micOn ? Promise.resolve(close()) : open(false)),
      async holdToTalk(down) {
        if (down && !get().micOn) await open(true);
        else if (!down && get().pushToTalk) close();
      },
    };
  };

/** Speech over a playing reply ducks it at once, before the host has even heard it. */
function gate(own: Own, get: () => VoiceState, rms: number, atMs: number): void {
  if (rms < GATE || !get().speaking || !own.playback || own.ducked) return;
  own.playback.duck(true);
  // A User Timing mark (seen in devtools; bench:voice reads it): when, on the microphone's
  // clock, the reply was ducked.
  performance.mark('aether:duck', { detail: { audioMs: atMs } });
  own.ducked = window.setTimeout(() => {
    own.ducked = null;
    own.playback?.duck(false);
  }, LOCAL_DUCK_MS);
}

const output =
  (
    own: Own,
    parts: Required<VoiceParts>,
  ): Slice<
    VoiceState,
    'outputOn' | 'speaking' | 'toggleOutput' | 'stopSpeaking' | 'previewing' | 'preview'
  > =>
  (client, set, get) => ({
    outputOn: false,
    speaking: null,
    previewing: false,
    async preview() {
      own.playback ??= parts.playback((r) => void client.invoke('voice.playback', r));
      set({ previewing: true, problem: null });
      try {
        await client.invoke('voice.preview', {});
      } catch (error) {
        set({ problem: `The voice cannot be heard here (${say(error)}).` });
      } finally {
        set({ previewing: false });
      }
    },
    async toggleOutput() {
      const speak = !get().outputOn;
      // Made on the click itself: browsers let audio start only from a user's gesture.
      if (speak) own.playback ??= parts.playback((r) => void client.invoke('voice.playback', r));
      else own.playback?.stop();
      try {
        const status = await client.invoke('voice.set_output', { speak });
        set({ status, outputOn: status.speak, speaking: null });
        if (speak && !status.speak)
          set({ problem: `Replies cannot be spoken: ${status.detail ?? 'voice is off'}.` });
      } catch (error) {
        set({ problem: `Replies cannot be spoken (${say(error)}).` });
      }
    },
    async stopSpeaking() {
      own.playback?.stop();
      set({ speaking: null });
      await client.invoke('voice.stop_speaking', {});
    },
  });

function played(own: Own, set: (p: Partial<VoiceState>) => void, header: SpeechHeader | null) {
  if (!header) return;
  const heardMs = own.playback?.now()?.heardMs ?? 0;
  set({ speaking: { turnId: header.turnId, text: header.text, heardMs } });
}

export function createVoiceStore(client: AetherClient, given: VoiceParts = {}) {
  const parts: Required<VoiceParts> = {
    start: startCapture,
    playback: createPlayback,
    sendText: async () => {},
    preloadText: () => {},
    ...given,
  };
  const own: Own = { capture: null, playback: null, ducked: null };
  return boundStore<VoiceState>(
    (set, get) => ({
      status: null,
      transcript: null,
      pipeline: QUIET,
      ...microphone(own, parts)(client, set, get),
      ...output(own, parts)(client, set, get),
      reload: async () => set({ status: await client.invoke('voice.get_status', {}) }),
    }),
    (get, set) => [
      client.on('voice.status_changed', (e) => set({ status: e.payload })),
      client.on('voice.not_understood', (e) => set({ problem: e.payload.message })),
      client.on('turn.state_changed', (e) => {
        if (e.payload.state === 'listening') set({ problem: null });
      }),
      client.on('voice.activity', ({ payload: a }) => {
        const vad = a.kind === 'speech_started' ? 'speech' : 'quiet';
        set({ pipeline: { ...get().pipeline, vad } });
      }),
      client.on('voice.transcript', ({ payload: t }) => {
        const pipeline = { ...get().pipeline, heard: t.text, decodeMs: t.decodeMs };
        set({ transcript: t.final ? null : t.text, pipeline });
        if (get().testing) return;
        if (!t.final && t.text) parts.preloadText(t.text, t.pause === true);
        if (t.final && t.text && get().micOn) void parts.sendText(t.text);
      }),
      client.onSpeech((frame) => {
        if (get().outputOn) played(own, set, own.playback?.play(frame) ?? null);
        else if (get().previewing) own.playback?.play(frame);
      }),
      client.on('voice.playback_control', ({ payload: c }) => {
        if (c.action === 'stop') own.playback?.stop();
        else own.playback?.duck(c.action === 'duck');
      }),
      client.on('voice.speaking', ({ payload: s }) => {
        if (s.state === 'started' && s.firstAudioMs !== null)
          set({ pipeline: { ...get().pipeline, firstAudioMs: s.firstAudioMs } });
        if (s.state !== 'started' && get().speaking?.turnId === s.turnId) set({ speaking: null });
      }),
      client.onAudioRefused((error) => set({ problem: `Voice input stopped: ${error.message}` })),
      // The desktop's global shortcut: press to talk, press again to stop.
      client.onShortcut(() => void get().toggle()),
    ],
  );
}
