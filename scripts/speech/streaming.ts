// A scripted *streaming* recogniser: an icefall-style LSTM transducer (encoder, decoder, joiner)
// that sherpa's OnlineRecognizer runs chunk by chunk, through its real fbank, chunking, encoder
// states and greedy transducer search. The encoder counts the chunks it has seen in its cell
// state and spells the next word of the script for each one, so words appear as audio arrives,
// one per chunk (320 ms), the way partial results of a real streaming model do.
import { constant, encodeModel, FLOAT, INT64, type Node, valueInfo } from './onnx.ts';

/** Feature frames (10 ms each) the encoder takes per chunk, and how far each chunk moves on. */
const T = 40;
const CHUNK_SHIFT = 32;
/** The decoder looks back this many tokens (icefall's default). */
const CONTEXT = 2;

const node = (opType: string, input: string[], output: string): Node => ({
  opType,
  input,
  output: [output],
});

function encoder(words: number) {
  const vocab = words + 1;
  // Row k spells word k (token k + 1); the last row, reached once the script is said, is blank.
  const rows = Array.from({ length: words + 1 }, (_, k) =>
    Array.from({ length: vocab }, (_, v) => (v === (k < words ? k + 1 : 0) ? 1 : 0)),
  ).flat();
  return encodeModel(
    {
      name: 'scripted-streaming-encoder',
      node: [
        constant('table', [words + 1, vocab], FLOAT, rows),
        constant('starts', [3], INT64, [0, 0, 0]),
        constant('ends', [3], INT64, [1, 1, 1]),
        node('Slice', ['c', 'starts', 'ends'], 'seen3'),
        constant('flat', [1], INT64, [1]),
        node('Reshape', ['seen3', 'flat'], 'seen'),
        { ...node('Cast', ['seen'], 'seen_i'), attribute: [castTo(INT64)] },
        constant('last', [1], INT64, [words]),
        node('Min', ['seen_i', 'last'], 'row'),
        node('Gather', ['table', 'row'], 'logits'),
        constant('out_shape', [3], INT64, [1, 1, vocab]),
        node('Reshape', ['logits', 'out_shape'], 'encoder_out'),
        constant('one', [1], FLOAT, [1]),
        node('Add', ['c', 'one'], 'next_c'),
        node('Identity', ['h'], 'next_h'),
      ],
      input: [
        valueInfo('x', FLOAT, ['N', T, 80]),
        valueInfo('h', FLOAT, [1, 'N', 4]),
        valueInfo('c', FLOAT, [1, 'N', 4]),
      ],
      output: [
        valueInfo('encoder_out', FLOAT, ['N', 1, vocab]),
        valueInfo('next_h', FLOAT, [1, 'N', 4]),
        valueInfo('next_c', FLOAT, [1, 'N', 4]),
      ],
    },
    {
      model_type: 'lstm',
      num_encoder_layers: 1,
      T,
      decode_chunk_len: CHUNK_SHIFT,
      rnn_hidden_size: 4,
      d_model: 4,
    },
  );
}

function castTo(type: number) {
  return { name: 'to', type: 2, i: type }; // AttributeType.INT
}

/** The decoder's output is ignored by the joiner: what is said depends on the chunk alone. */
function decoder(vocab: number) {
  return encodeModel(
    {
      name: 'scripted-streaming-decoder',
      node: [
        { ...node('Cast', ['y'], 'yf'), attribute: [castTo(FLOAT)] },
        constant('zeros', [CONTEXT, vocab], FLOAT, new Array(CONTEXT * vocab).fill(0)),
        node('MatMul', ['yf', 'zeros'], 'decoder_out'),
      ],
      input: [valueInfo('y', INT64, ['N', CONTEXT])],
      output: [valueInfo('decoder_out', FLOAT, ['N', vocab])],
    },
    { vocab_size: vocab, context_size: CONTEXT },
  );
}

function joiner(vocab: number) {
  return encodeModel(
    {
      name: 'scripted-streaming-joiner',
      node: [node('Add', ['encoder_out', 'decoder_out'], 'logit')],
      input: [
        valueInfo('encoder_out', FLOAT, ['N', vocab]),
        valueInfo('decoder_out', FLOAT, ['N', vocab]),
      ],
      output: [valueInfo('logit', FLOAT, ['N', vocab])],
    },
    {},
  );
}

/** The three graphs and tokens.txt of a streaming recogniser that hears `words`. */
export function streamingRecogniser(words: string[]) {
  const vocab = words.length + 1;
  const tokens = ['<blk> 0', ...words.map((w, i) => `▁${w} ${i + 1}`)].join('\n') + '\n';
  return {
    encoder: encoder(words.length),
    decoder: decoder(vocab),
    joiner: joiner(vocab),
    tokens,
  };
}
