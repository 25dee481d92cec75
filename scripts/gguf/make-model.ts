// Generates a llama-architecture GGUF with deterministic random weights, optionally "scripted":
// the model then answers every prompt with exactly the given pieces, by real inference.
import {
  GgmlType,
  writeGguf,
  type GgmlTypeId,
  type MetaValue,
  type TensorSpec,
} from './gguf-file.ts';
import { encodeRow, randomRows, Rng, seedFrom } from './rows.ts';
import { buildVocab, CHATML_TEMPLATE, SPECIAL, type Vocab } from './vocab.ts';

export type Preset = {
  embd: number;
  layers: number;
  heads: number;
  kvHeads: number;
  ff: number;
  vocab: number;
  context: number;
};

export const PRESETS = {
  tiny: { embd: 128, layers: 2, heads: 4, kvHeads: 2, ff: 256, vocab: 2048, context: 4096 },
  'smollm2-135m': {
    embd: 576,
    layers: 30,
    heads: 9,
    kvHeads: 3,
    ff: 1536,
    vocab: 49152,
    context: 8192,
  },
  'qwen2.5-0.5b': {
    embd: 896,
    layers: 24,
    heads: 14,
    kvHeads: 2,
    ff: 4864,
    vocab: 151936,
    context: 32768,
  },
} satisfies Record<string, Preset>;

export type PresetName = keyof typeof PRESETS;
export const WEIGHT_TYPES = {
  f16: GgmlType.F16,
  q8_0: GgmlType.Q8_0,
  q4_0: GgmlType.Q4_0,
} as const;
export type WeightTypeName = keyof typeof WEIGHT_TYPES;

export type ModelOptions = {
  preset: PresetName;
  type: WeightTypeName;
  /** Pieces the model says, in order, as its whole reply to any prompt. */
  script?: string[];
  /** With a script: start over after the last piece instead of ending the reply. */
  loop?: boolean;
};

const FILE_TYPE: Record<WeightTypeName, number> = { f16: 1, q8_0: 7, q4_0: 2 };
const SIGMA = 0.02;
// A scripted token's embedding is a spike this large in a dimension of its own, so it dominates
// the residual stream through every (random) layer; an output row that reads the spike of the
// previous token makes the next piece the overwhelming choice.
const SPIKE = 1000;
const READ = 10;

export function makeModel(path: string, options: ModelOptions): void {
  const shape = PRESETS[options.preset];
  const type = WEIGHT_TYPES[options.type];
  const script = options.script ?? [];
  if (script.length > 0 && script.length + 1 > shape.embd) {
    throw new Error(`a script of ${script.length} pieces needs a preset wider than ${shape.embd}`);
  }
  const vocab = buildVocab(shape.vocab, script);
  const tensors = buildTensors(shape, type, vocab, options);
  writeGguf(path, metadata(shape, options, vocab), tensors);
}

function metadata(shape: Preset, options: ModelOptions, vocab: Vocab): Record<string, MetaValue> {
  const name = options.script
    ? `aether-scripted-${options.preset}`
    : `aether-random-${options.preset}`;
  return {
    'general.architecture': { str: 'llama' },
    'general.name': { str: name },
    'general.file_type': { u32: FILE_TYPE[options.type] },
    'llama.context_length': { u32: shape.context },
    'llama.embedding_length': { u32: shape.embd },
    'llama.block_count': { u32: shape.layers },
    'llama.feed_forward_length': { u32: shape.ff },
    'llama.attention.head_count': { u32: shape.heads },
    'llama.attention.head_count_kv': { u32: shape.kvHeads },
    'llama.attention.layer_norm_rms_epsilon': { f32: 1e-5 },
    'llama.rope.dimension_count': { u32: shape.embd / shape.heads },
    'llama.rope.freq_base': { f32: 10000 },
    'llama.vocab_size': { u32: shape.vocab },
    'tokenizer.ggml.model': { str: 'llama' },
    'tokenizer.ggml.tokens': { strings: vocab.tokens },
    'tokenizer.ggml.scores': { f32s: vocab.scores },
    'tokenizer.ggml.token_type': { i32s: vocab.types },
    'tokenizer.ggml.bos_token_id': { u32: SPECIAL.bos },
    'tokenizer.ggml.eos_token_id': { u32: SPECIAL.imEnd },
    'tokenizer.ggml.unknown_token_id': { u32: SPECIAL.unk },
    'tokenizer.ggml.add_bos_token': { bool: false },
    'tokenizer.chat_template': { str: CHATML_TEMPLATE },
  };
}

function randomTensor(name: string, dims: number[], type: GgmlTypeId, sigma = SIGMA): TensorSpec {
  return {
    name,
    dims,
    type,
    write: (push) => {
      const rng = new Rng(seedFrom(name));
      const rowsPerChunk = Math.max(1, Math.floor((1 << 20) / dims[0]));
      for (let done = 0; done < dims[1]; done += rowsPerChunk) {
        push(randomRows(type, dims[0], Math.min(rowsPerChunk, dims[1] - done), sigma, rng));
      }
    },
  };
}

function onesTensor(name: string, length: number): TensorSpec {
  return {
    name,
    dims: [length],
    type: GgmlType.F32,
    write: (push) => push(encodeRow(GgmlType.F32, new Float32Array(length).fill(1))),
  };
}

/** A tensor whose rows are random except where `shape(row, values)` writes chosen values. */
function shapedTensor(
  name: string,
  dims: number[],
  type: GgmlTypeId,
  shape: (row: number, values: Float32Array) => void,
): TensorSpec {
  return {
    name,
    dims,
    type,
    write: (push) => {
      const rng = new Rng(seedFrom(name));
      const values = new Float32Array(dims[0]);
      for (let row = 0; row < dims[1]; row++) {
        for (let i = 0; i < values.length; i++) values[i] = rng.nextGaussian() * SIGMA;
        shape(row, values);
        push(encodeRow(type, values));
      }
    },
  };
}

function buildTensors(
  shape: Preset,
  type: GgmlTypeId,
  vocab: Vocab,
  options: ModelOptions,
): TensorSpec[] {
  const { embd, ff, heads, kvHeads } = shape;
  const kvDim = (embd / heads) * kvHeads;
  const scripted = vocab.scriptIds.length > 0;
  const tensors: TensorSpec[] = [];
  if (scripted) {
    // Dimension 0 is "any prompt token"; script piece i owns dimension i + 1.
    const dimOf = new Map(vocab.scriptIds.map((id, i) => [id, i + 1]));
    const last = vocab.scriptIds.length;
    tensors.push(
      shapedTensor('token_embd.weight', [embd, shape.vocab], type, (row, v) => {
        v[dimOf.get(row) ?? 0] = SPIKE;
      }),
    );
    const successors = new Map<number, number[]>(vocab.scriptIds.map((id, i) => [id, [i]]));
    successors.set(SPECIAL.imEnd, options.loop ? [] : [last]);
    if (options.loop) successors.get(vocab.scriptIds[0])!.push(last);
    tensors.push(
      shapedTensor('output.weight', [embd, shape.vocab], type, (row, v) => {
        for (const dim of successors.get(row) ?? []) v[dim] = READ;
      }),
    );
  } else {
    tensors.push(randomTensor('token_embd.weight', [embd, shape.vocab], type));
  }
  for (let l = 0; l < shape.layers; l++) {
    const p = `blk.${l}.`;
    tensors.push(
      onesTensor(`${p}attn_norm.weight`, embd),
      randomTensor(`${p}attn_q.weight`, [embd, embd], type),
      randomTensor(`${p}attn_k.weight`, [embd, kvDim], type),
      randomTensor(`${p}attn_v.weight`, [embd, kvDim], type),
      randomTensor(`${p}attn_output.weight`, [embd, embd], type),
      onesTensor(`${p}ffn_norm.weight`, embd),
      randomTensor(`${p}ffn_gate.weight`, [embd, ff], type),
      randomTensor(`${p}ffn_up.weight`, [embd, ff], type),
      randomTensor(`${p}ffn_down.weight`, [ff, embd], type),
    );
  }
  tensors.push(onesTensor('output_norm.weight', embd));
  return tensors;
}
