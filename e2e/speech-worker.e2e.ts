// The speech worker as the desktop app ships it (out/main/speech-worker.js, built by
// electron-vite), run in a child process: the bundle loads sherpa-onnx and the bundled Silero
// model and hears real (flite) speech. The Electron utility process itself cannot run here (no
// Electron binary); the worker speaks both its protocol and fork's.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../engines/bus/index.ts';
import { forkSpeech, sourceResources } from '../engines/host/index.ts';
import { BUNDLED_VAD, createSpeech, type Activity } from '../engines/interaction/index.ts';
import { speechTools, spoken } from '../engines/interaction/speech/speech.fixture.ts';

const built = join(import.meta.dirname, '..', 'out', 'main', 'speech-worker.js');
const heard: Activity[] = [];
const speech = createSpeech({
  spawn: forkSpeech(built),
  vad: { model: sourceResources.vadModel, ...BUNDLED_VAD },
  clock: systemClock(),
  onActivity: (a) => heard.push(a),
});
afterAll(() => speech.dispose());

describe('the built speech worker', () => {
  it.skipIf(speechTools)('loads the bundled VAD model and hears speech', async () => {
    await speech.start();
    const audio = spoken('open my notes file please');
    for (let i = 0; i < audio.length; i += 320) speech.feed(audio.slice(i, i + 320));
    await expect.poll(() => heard.map((a) => a.type)).toEqual(['speech_started', 'speech_ended']);
  });
});
