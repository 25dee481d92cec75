// The speech process with speech packs, forked as in headless mode and run through sherpa's real
// code: a generated scripted recogniser gives the words of real (flite) speech, partial words
// come while it is spoken, a pack whose file was changed is refused by its checksum (and voice
// goes on without it), the embedded voice says sentences pocketsphinx understands, and a pack's
// VITS voice is cancelled mid-reply.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../bus/index.ts';
import { forkSpeech, sourceResources } from '../../host/index.ts';
import { BUNDLED_VAD } from './bundled.ts';
import { createSpeech, type Heard } from './speech-process.ts';
import {
  espeakData,
  heardBySphinx,
  speechTools,
  sphinx,
  spoken,
  testPack,
  wordErrorRate,
} from './speech.fixture.ts';

const running: Array<{ dispose(): void }> = [];
afterEach(() => {
  for (const r of running.splice(0)) r.dispose();
});

async function started(packs: string[]) {
  const heard: Heard[] = [];
  const s = createSpeech({
    spawn: forkSpeech(sourceResources.speechWorkerEntry),
    vad: { model: sourceResources.vadModel, ...BUNDLED_VAD },
    fliteWasm: sourceResources.fliteWasm,
    packs,
    clock: systemClock(),
    onHeard: (h) => heard.push(h),
  });
  running.push(s);
  await s.start();
  return { s, heard };
}

const of = <T extends Heard['type']>(heard: Heard[], type: T) =>
  heard.filter((h): h is Extract<Heard, { type: T }> => h.type === type);

/** Everything a speak said, joined, once it is done. */
async function said(heard: Heard[], id: string) {
  await expect.poll(() => of(heard, 'speak_done').some((d) => d.id === id)).toBe(true);
  const pieces = of(heard, 'spoken').filter((p) => p.id === id);
  const samples = new Float32Array(pieces.reduce((n, p) => n + p.samples.length, 0));
  let at = 0;
  for (const p of pieces) {
    samples.set(p.samples, at);
    at += p.samples.length;
  }
  return { pieces, samples, done: of(heard, 'speak_done').find((d) => d.id === id)! };
}

describe('speech packs in the speech process', () => {
  it.skipIf(speechTools)('recognises the words of an utterance, partials first', async () => {
    const { s, heard } = await started([testPack('open my notes file')]);
    expect(s.abilities()).toMatchObject({ recogniser: true, problems: [] });
    expect(s.abilities().voices).toContain('flite:slt');
    const audio = spoken('please open the notes file that I wrote yesterday');
    for (let i = 0; i < audio.length; i += 320) s.feed(audio.slice(i, i + 320));
    await expect.poll(() => of(heard, 'transcript').some((t) => t.final)).toBe(true);
    const transcripts = of(heard, 'transcript');
    expect(transcripts.at(-1)).toMatchObject({ text: 'OPEN MY NOTES FILE', final: true });
    expect(transcripts.filter((t) => !t.final).length).toBeGreaterThan(0);
    // The final words come after the end of speech, not before.
    const ended = heard.findIndex((h) => h.type === 'speech_ended');
    expect(heard.findIndex((h) => h.type === 'transcript' && h.final)).toBeGreaterThan(ended);
    // When the speaker paused, the words so far came at once, well before the end was confirmed.
    const paused = transcripts.filter((t) => t.pause).at(-1);
    expect(paused).toMatchObject({ text: 'OPEN MY NOTES FILE', final: false });
    expect(transcripts.at(-1)!.atMs - paused!.atMs).toBeGreaterThanOrEqual(100);
  });

  it.skipIf(speechTools)(
    'a streaming recogniser gives the words one by one while they are spoken',
    async () => {
      // With an offline pack there too, the streaming one is the one that listens.
      const packs = [testPack('hello'), testPack('open my notes file', { streaming: true })];
      const { s, heard } = await started(packs);
      expect(s.abilities()).toMatchObject({ recogniser: true, problems: [] });
      const audio = spoken('please open the notes file that I wrote yesterday');
      for (let i = 0; i < audio.length; i += 320) s.feed(audio.slice(i, i + 320));
      await expect.poll(() => of(heard, 'transcript').some((t) => t.final)).toBe(true);
      const ended = heard.findIndex((h) => h.type === 'speech_ended');
      const whileSpoken = heard
        .slice(0, ended)
        .flatMap((h) => (h.type === 'transcript' ? [h.text] : []));
      // Each partial says one word more than the one before, each the start of the script.
      expect(whileSpoken.slice(0, 3)).toEqual(['OPEN', 'OPEN MY', 'OPEN MY NOTES']);
      const final = of(heard, 'transcript').find((t) => t.final)!;
      expect(final.text).toBe('OPEN MY NOTES FILE');
      // Only the last chunk is left to decode at the end (an offline decode is of it all).
      expect(final.decodeMs).toBeLessThan(50);
      // At the pause its last words were decoded already: what the reply was read ahead from.
      const paused = of(heard, 'transcript').filter((t) => t.pause);
      expect(paused.at(-1)?.text).toBe(final.text);
    },
  );

  it('refuses a pack whose model was changed, and listens without it', async () => {
    const pack = testPack('hello');
    const model = join(pack, 'stt', 'model.onnx');
    const bytes = readFileSync(model);
    bytes[bytes.length - 5] ^= 0xff;
    writeFileSync(model, bytes);
    const { s } = await started([pack]);
    expect(s.health().state).toBe('ok');
    expect(s.abilities().recogniser).toBe(false);
    expect(s.abilities().problems.join(' ')).toMatch(
      /stt\/model\.onnx is not the file the pack names/,
    );
  });

  it('refuses a pack whose other listed files (a voice data file, say) were changed', async () => {
    const pack = testPack('hello');
    writeFileSync(join(pack, 'phontab'), 'espeak data');
    const manifest = JSON.parse(readFileSync(join(pack, 'pack.json'), 'utf8'));
    manifest.sha256.phontab = createHash('sha256').update('espeak data').digest('hex');
    writeFileSync(join(pack, 'pack.json'), JSON.stringify(manifest));
    expect((await started([pack])).s.abilities().problems).toEqual([]);
    writeFileSync(join(pack, 'phontab'), 'espeak dat4');
    const { s } = await started([pack]);
    expect(s.abilities().recogniser).toBe(false);
    expect(s.abilities().problems.join(' ')).toMatch(/phontab is not the file the pack names/);
  });

  it('refuses a pack.json that names files outside its folder', async () => {
    const pack = testPack('hello');
    const manifest = JSON.parse(readFileSync(join(pack, 'pack.json'), 'utf8'));
    manifest.recogniser.model = '../../etc/passwd';
    writeFileSync(join(pack, 'pack.json'), JSON.stringify(manifest));
    const { s } = await started([pack]);
    expect(s.abilities().problems.join(' ')).toMatch(/a path inside the pack/);
  });

  it.skipIf(sphinx)('speaks with the embedded voice, which pocketsphinx understands', async () => {
    const { s, heard } = await started([]);
    const sentences = [
      'Hello there, how are you today?',
      'I found three notes about the garden.',
      'The weather will be sunny tomorrow morning.',
    ];
    let errors = 0;
    let words = 0;
    for (const [i, text] of sentences.entries()) {
      s.speak(`say-${i}`, text, { voice: 'flite:kal16', speed: 1, pitch: 1 });
      const { pieces, samples, done } = await said(heard, `say-${i}`);
      expect(done.cancelled).toBe(false);
      // Loudness per 20 ms comes with the samples, for the face's mouth.
      expect(pieces[0].envelope.length).toBe(Math.ceil(pieces[0].samples.length / 320));
      expect(Math.max(...pieces[0].envelope)).toBeGreaterThan(0.02);
      const n = text.split(' ').length;
      errors += wordErrorRate(text, heardBySphinx(samples)) * n;
      words += n;
    }
    expect(errors / words).toBeLessThanOrEqual(0.2);
  });

  it('speaks faster when the persona asks', async () => {
    const { s, heard } = await started([]);
    s.speak('normal', 'This sentence is said at two speeds.', {
      voice: 'flite:slt',
      speed: 1,
      pitch: 1,
    });
    const normal = (await said(heard, 'normal')).samples.length;
    s.speak('fast', 'This sentence is said at two speeds.', {
      voice: 'flite:slt',
      speed: 1.5,
      pitch: 1,
    });
    const fast = (await said(heard, 'fast')).samples.length;
    expect(fast / normal).toBeLessThan(0.8);
  });

  it.skipIf(espeakData)(
    'says a pack voice sentence by sentence, and stops when cancelled',
    async () => {
      const { s, heard } = await started([testPack('hello')]);
      const text = 'One sentence here. Another one there. A third. A fourth. And a fifth one.';
      s.speak('all', text, { voice: 'beeper', speed: 1, pitch: 1 });
      const all = await said(heard, 'all');
      expect(all.pieces.length).toBeGreaterThanOrEqual(5);
      s.speak('cut', text, { voice: 'beeper', speed: 1, pitch: 1 });
      s.cancel('cut');
      const cut = await said(heard, 'cut');
      expect(cut.done.cancelled).toBe(true);
      expect(cut.pieces.length).toBeLessThan(all.pieces.length);
    },
  );
});
