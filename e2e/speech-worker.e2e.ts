// The speech worker as the desktop app ships it (out/main/speech-worker.js, built by
// electron-vite), run in a child process: the bundle loads sherpa-onnx, the bundled Silero model,
// a speech pack's recogniser and the embedded flite voice, hears real (flite) speech, gives its
// words, and speaks. The Electron utility process itself cannot run here (no Electron binary);
// the worker speaks both its protocol and fork's.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../engines/bus/index.ts';
import { forkSpeech, sourceResources } from '../engines/host/index.ts';
import { BUNDLED_VAD, createSpeech, type Heard } from '../engines/interaction/index.ts';
import { speechTools, spoken, testPack } from '../engines/interaction/speech/speech.fixture.ts';

const built = join(import.meta.dirname, '..', 'out', 'main', 'speech-worker.js');
const heard: Heard[] = [];
const speech = createSpeech({
  spawn: forkSpeech(built),
  vad: { model: sourceResources.vadModel, ...BUNDLED_VAD },
  fliteWasm: sourceResources.fliteWasm,
  packs: [testPack('open my notes file')],
  clock: systemClock(),
  onHeard: (a) => heard.push(a),
});
afterAll(() => speech.dispose());

describe('the built speech worker', () => {
  it.skipIf(speechTools)('hears speech, gives its words, and speaks', async () => {
    await speech.start();
    expect(speech.abilities()).toMatchObject({ recogniser: true, problems: [] });
    const audio = spoken('open my notes file please');
    for (let i = 0; i < audio.length; i += 320) speech.feed(audio.slice(i, i + 320));
    await expect
      .poll(() => heard.filter((h) => h.type !== 'transcript' || h.final).map((h) => h.type))
      .toEqual(['speech_started', 'speech_ended', 'transcript']);
    expect(heard.at(-1)).toMatchObject({ text: 'OPEN MY NOTES FILE', final: true });
    speech.speak('hello', 'Hello there.', { voice: 'flite:slt', speed: 1, pitch: 1 });
    await expect.poll(() => heard.some((h) => h.type === 'speak_done')).toBe(true);
    const piece = heard.find((h) => h.type === 'spoken');
    expect(piece?.type === 'spoken' && piece.samples.length).toBeGreaterThan(8000);
  });
});
