// Generates a speech pack for tests and benchmarks (VOICE-FACTS): a scripted recogniser — a
// zipformer-CTC graph whose output spells the given words, decoded by sherpa's real fbank and
// CTC search — and a tiny piper-style VITS "beeper" that gives each phoneme a tone, through
// sherpa's real espeak phonemiser, sentence splitting, callbacks and cancel.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constant, encodeModel, FLOAT, INT64, intAttribute, valueInfo } from './onnx.ts';
import { streamingRecogniser } from './streaming.ts';

/** Where Debian keeps espeak-ng-data (sherpa's piper voices phonemise with it), if it is here. */
export const DEBIAN_ESPEAK_DATA =
  [
    '/usr/lib/x86_64-linux-gnu/espeak-ng-data',
    '/usr/lib/aarch64-linux-gnu/espeak-ng-data',
    '/usr/share/espeak-ng-data',
  ].find((dir) => existsSync(dir)) ?? null;

const SAMPLE_RATE = 16_000;
/** Samples of tone per phoneme: 50 ms. */
const TONE = 800;
// piper's padding, start, end and space first, then the IPA symbols espeak gives for English.
const SYMBOLS = [
  ...['_', '^', '$', ' '],
  ..."!'(),-.:;?abcdefhijklmnopqrstuvwxyzæçðøħŋœɐɑɒɔɕɖəɚɛɜɟɡɣɪɫɬɹɾʃʊʌʒʔˈˌːθᵻ",
];

function recogniser(words: string[]) {
  const vocab = words.length + 1;
  const frames: number[] = [];
  for (let w = 0; w < words.length; w++) frames.push(0, w + 1);
  frames.push(0);
  const logProbs = frames.flatMap((token) =>
    Array.from({ length: vocab }, (_, v) => (v === token ? 0 : -20)),
  );
  const model = encodeModel(
    {
      name: 'scripted-recogniser',
      node: [
        constant('log_probs', [1, frames.length, vocab], FLOAT, logProbs),
        constant('log_probs_len', [1], INT64, [frames.length]),
      ],
      input: [valueInfo('x', FLOAT, ['N', 'T', 80]), valueInfo('x_lens', INT64, ['N'])],
      // sherpa reads the vocabulary size from the declared shape.
      output: [
        valueInfo('log_probs', FLOAT, ['N', 'T4', vocab]),
        valueInfo('log_probs_len', INT64, ['N']),
      ],
    },
    {},
  );
  const tokens = ['<blk> 0', ...words.map((w, i) => `▁${w} ${i + 1}`)].join('\n') + '\n';
  return { model, tokens };
}

function beeper() {
  const table: number[] = [];
  for (let i = 0; i < SYMBOLS.length; i++)
    for (let s = 0; s < TONE; s++)
      table.push(i < 4 ? 0 : 0.3 * Math.sin((2 * Math.PI * (180 + 7 * i) * s) / SAMPLE_RATE));
  const model = encodeModel(
    {
      name: 'beeper',
      node: [
        constant('table', [SYMBOLS.length, TONE], FLOAT, table),
        {
          opType: 'Gather',
          input: ['table', 'input'],
          output: ['tones'],
          attribute: [intAttribute('axis', 0)],
        },
        constant('shape', [3], INT64, [1, 1, -1]),
        { opType: 'Reshape', input: ['tones', 'shape'], output: ['output'] },
      ],
      input: [
        valueInfo('input', INT64, [1, 'N']),
        valueInfo('input_lengths', INT64, [1]),
        valueInfo('scales', FLOAT, [3]),
      ],
      output: [valueInfo('output', FLOAT, [1, 1, 'T'])],
    },
    // Without "piper" in the comment sherpa feeds five inputs to this three-input graph.
    {
      comment: 'piper',
      voice: 'en-us',
      sample_rate: SAMPLE_RATE,
      n_speakers: 1,
      language: 'English',
    },
  );
  const tokens = SYMBOLS.map((s, i) => `${s} ${i}`).join('\n') + '\n';
  return { model, tokens };
}

export type MakePackOptions = {
  /** The words the recogniser hears, whatever is said (upper case, as icefall models spell). */
  script: string;
  out: string;
  /** espeak-ng-data for the voice; without one there is no voice in the pack. */
  espeakData?: string | null;
  /** A streaming recogniser (words one by one as audio comes) instead of the offline one. */
  streaming?: boolean;
};

/** The recogniser's files, and the pack.json entry that names them. */
function recogniserFiles(words: string[], streaming: boolean) {
  if (!streaming) {
    const stt = recogniser(words);
    return {
      files: { 'stt/model.onnx': stt.model, 'stt/tokens.txt': stt.tokens },
      entry: { kind: 'zipformer-ctc', model: 'stt/model.onnx', tokens: 'stt/tokens.txt' },
    };
  }
  const stt = streamingRecogniser(words);
  const files = {
    'stt/encoder.onnx': stt.encoder,
    'stt/decoder.onnx': stt.decoder,
    'stt/joiner.onnx': stt.joiner,
    'stt/tokens.txt': stt.tokens,
  };
  const entry = {
    kind: 'streaming-transducer',
    encoder: 'stt/encoder.onnx',
    decoder: 'stt/decoder.onnx',
    joiner: 'stt/joiner.onnx',
    tokens: 'stt/tokens.txt',
  };
  return { files, entry };
}

export function makeSpeechPack(options: MakePackOptions): { voice: boolean } {
  const { out } = options;
  const words = options.script.toUpperCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) throw new Error('the script needs at least one word');
  const espeakData = options.espeakData === undefined ? DEBIAN_ESPEAK_DATA : options.espeakData;
  const withVoice = espeakData !== null && existsSync(espeakData);
  const stt = recogniserFiles(words, options.streaming ?? false);
  const files: Record<string, Uint8Array | string> = { ...stt.files };
  if (withVoice) {
    const voice = beeper();
    files['voice/beeper.onnx'] = voice.model;
    files['voice/tokens.txt'] = voice.tokens;
  }
  const sha256: Record<string, string> = {};
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(out, name, '..'), { recursive: true });
    writeFileSync(join(out, name), content);
    sha256[name] = createHash('sha256').update(content).digest('hex');
  }
  const voices = withVoice
    ? [
        {
          id: 'beeper',
          kind: 'vits',
          model: 'voice/beeper.onnx',
          tokens: 'voice/tokens.txt',
          dataDir: espeakData,
        },
      ]
    : [];
  const pack = {
    format: 1,
    name: `Test speech (${words.join(' ')})`,
    recogniser: stt.entry,
    voices,
    sha256,
  };
  writeFileSync(join(out, 'pack.json'), JSON.stringify(pack, null, 2) + '\n');
  return { voice: withVoice };
}
