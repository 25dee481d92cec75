import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLlama, LlamaChat, LlamaLogLevel, readGgufFileInfo } from 'node-llama-cpp';
import { describe, expect, it } from 'vitest';
import { makeModel } from './make-model.ts';
import { encodeRow, toHalf } from './rows.ts';
import { GgmlType } from './gguf-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'aether-gguf-'));
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('GGUF generator', () => {
  it('writes the same bytes for the same options', () => {
    makeModel(join(dir, 'a.gguf'), { preset: 'tiny', type: 'q8_0' });
    makeModel(join(dir, 'b.gguf'), { preset: 'tiny', type: 'q8_0' });
    makeModel(join(dir, 'c.gguf'), { preset: 'tiny', type: 'q4_0' });
    expect(sha(join(dir, 'a.gguf'))).toBe(sha(join(dir, 'b.gguf')));
    expect(sha(join(dir, 'a.gguf'))).not.toBe(sha(join(dir, 'c.gguf')));
  });

  it('writes a header node-llama-cpp parses, with the keys llama.cpp requires', async () => {
    const file = join(dir, 'f16.gguf');
    makeModel(file, { preset: 'tiny', type: 'f16' });
    const info = await readGgufFileInfo(file);
    expect(info.version).toBe(3);
    const meta = info.metadata as unknown as {
      general: { architecture: string };
      llama: Record<string, unknown>;
      tokenizer: { ggml: { model: string; tokens: string[] } };
    };
    expect(meta.general.architecture).toBe('llama');
    expect(meta.llama.embedding_length).toBe(128);
    expect(meta.llama.feed_forward_length).toBe(256);
    expect(meta.tokenizer.ggml.model).toBe('llama');
    expect(meta.tokenizer.ggml.tokens).toHaveLength(2048);
    expect(
      info.fullTensorInfo?.find((t) => t.name === 'token_embd.weight')?.dimensions.map(Number),
    ).toEqual([128, 2048]);
  });

  it('encodes quantized rows that decode back close to their values', () => {
    const values = Float32Array.from({ length: 32 }, (_, i) => (i - 16) / 10);
    const q8 = encodeRow(GgmlType.Q8_0, values);
    expect(q8.length).toBe(34);
    const d = new DataView(q8.buffer).getUint16(0, true);
    expect(d).toBe(toHalf(1.6 / 127));
    expect(new Int8Array(q8.buffer, 2, 32)[0]).toBe(-127);
    expect(encodeRow(GgmlType.Q4_0, values).length).toBe(18);
  });

  it('builds a vocabulary in which a scripted reply re-tokenizes to the tokens it was generated as', async () => {
    const file = join(dir, 'roundtrip.gguf');
    const script = ['Sure!', ' A', ' quick', ' idea:', ' ginger', ' soup.'];
    makeModel(file, { preset: 'tiny', type: 'q8_0', script });
    const llama = await getLlama({
      gpu: false,
      maxThreads: 1,
      logLevel: LlamaLogLevel.error,
      build: 'never',
    });
    const model = await llama.loadModel({ modelPath: file });
    // As in a chat prompt: the reply follows the assistant header. Script pieces are the last
    // tokens of the vocabulary, in order.
    const tokens = model.tokenize(`assistant\n${script.join('')}`).map(Number);
    expect(tokens.slice(-script.length)).toEqual(script.map((_, i) => 2048 - script.length + i));
    expect(model.detokenize(model.tokenize(script.join('')))).toBe(script.join(''));
    await model.dispose();
  });

  it('refuses a script that repeats a piece or does not fit the preset', () => {
    expect(() =>
      makeModel(join(dir, 'x.gguf'), { preset: 'tiny', type: 'q8_0', script: ['a', 'a'] }),
    ).toThrow(/distinct/);
    const long = Array.from({ length: 200 }, (_, i) => `w${i}`);
    expect(() =>
      makeModel(join(dir, 'y.gguf'), { preset: 'tiny', type: 'q8_0', script: long }),
    ).toThrow(/wider/);
  });

  it('loads in node-llama-cpp; random weights generate, a scripted model says its script', async () => {
    const random = join(dir, 'random.gguf');
    const scripted = join(dir, 'scripted.gguf');
    makeModel(random, { preset: 'tiny', type: 'q4_0' });
    makeModel(scripted, {
      preset: 'tiny',
      type: 'q8_0',
      script: ['Hello', ' from', ' a', ' scripted', ' model.'],
    });
    const llama = await getLlama({
      gpu: false,
      maxThreads: 1,
      logLevel: LlamaLogLevel.error,
      build: 'never',
    });
    const answer = async (file: string) => {
      const model = await llama.loadModel({ modelPath: file });
      const context = await model.createContext({ contextSize: 512, threads: 1 });
      const chat = new LlamaChat({ contextSequence: context.getSequence() });
      const result = await chat.generateResponse(
        [
          { type: 'system', text: 'Be brief.' },
          { type: 'user', text: 'What is your name?' },
          { type: 'model', response: [] },
        ],
        { maxTokens: 24, temperature: 0.8 },
      );
      await context.dispose();
      await model.dispose();
      return result;
    };
    const r = await answer(random);
    expect(r.response.length).toBeGreaterThan(0);
    const s = await answer(scripted);
    expect(s.response).toBe('Hello from a scripted model.');
    expect(s.metadata.stopReason).toBe('eogToken');
  });
});
