// A voice preview: the persona says one sample line (the first run's voice step, settings), as
// frames the page plays like a reply's. It is not a turn: the turn machine does not move, nothing
// is stored, and it is refused while a reply is being said.
import { AetherError, encodeSpeechFrame, type Clock } from '../bus/index.ts';
import type { VoiceChoice } from './speech/protocol.ts';
import type { Heard, SpeechProcess } from './speech/speech-process.ts';

type Said = Extract<Heard, { type: 'spoken' | 'speak_done' }>;

export type PreviewDeps = {
  clock: Clock;
  /** Starts the speech process if it is not running; null when there is none. */
  speech: () => Promise<SpeechProcess | null>;
  choice: () => Promise<VoiceChoice | null>;
  out: (frame: Uint8Array) => void;
  /** A reply is being said: a preview would talk over it. */
  replying: () => boolean;
};

/** A preview that has not finished by then is cut (a stuck speech process). */
const PREVIEW_LIMIT_MS = 20_000;

type Running = {
  id: string;
  text: string;
  ms: number;
  seq: number;
  done: (error?: Error) => void;
};

/** Waits for the preview `id` to be said; resolves with its length in ms. */
function said(deps: PreviewDeps, id: string, text: string, set: (r: Running | null) => void) {
  return new Promise<number>((resolve, reject) => {
    const r: Running = {
      id,
      text,
      ms: 0,
      seq: 0,
      done: (error) => {
        deps.clock.clearTimeout(timer);
        set(null);
        if (error) reject(error);
        else resolve(Math.round(r.ms));
      },
    };
    const late = () => r.done(new AetherError('SpeechFailed', 'the preview took too long'));
    const timer = deps.clock.setTimeout(late, PREVIEW_LIMIT_MS, { background: true });
    set(r);
  });
}

export function createPreview(deps: PreviewDeps) {
  let count = 0;
  let running: Running | null = null;
  const onSaid = (heard: Said): boolean => {
    const r = running;
    if (!r || heard.id !== r.id) return false;
    if (heard.type === 'speak_done') {
      r.done(heard.error ? new AetherError('SpeechFailed', heard.error) : undefined);
      return true;
    }
    const { sampleRate, envelope, samples } = heard;
    const durationMs = (samples.length * 1000) / sampleRate;
    const header = { turnId: r.id, seq: r.seq++, sampleRate, startMs: r.ms };
    deps.out(encodeSpeechFrame({ ...header, durationMs, envelope, text: r.text }, samples));
    r.ms += durationMs;
    return true;
  };
  /** Says `text` in the persona's voice; resolves once all of it went to the page. */
  const say = async (text: string) => {
    if (deps.replying() || running)
      throw new AetherError('TurnInProgress', 'Aether is speaking; try the preview after it');
    const speech = await deps.speech();
    if (!speech) throw new AetherError('Unsupported', 'there is no voice on this computer yet');
    const choice = await deps.choice();
    if (!choice) throw new AetherError('Unsupported', 'this persona does not speak');
    const id = `preview-${++count}`;
    const finished = said(deps, id, text, (r) => (running = r));
    try {
      speech.speak(id, text, choice);
    } catch (e) {
      (running as Running | null)?.done(
        new AetherError('SpeechFailed', e instanceof Error ? e.message : String(e)),
      );
    }
    return { id, voice: choice.voice, durationMs: await finished };
  };
  return { say, onSaid };
}
