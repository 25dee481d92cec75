// npm run make-test-model -- --preset <tiny|smollm2-135m|qwen2.5-0.5b> --type <f16|q8_0|q4_0> --out FILE
//   [--script '["Hello", " there."]'] [--loop]
import { parseArgs } from 'node:util';
import {
  makeModel,
  PRESETS,
  WEIGHT_TYPES,
  type PresetName,
  type WeightTypeName,
} from './gguf/make-model.ts';

function fail(message: string): never {
  console.error(`make-test-model: ${message}`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    preset: { type: 'string', default: 'tiny' },
    type: { type: 'string', default: 'q8_0' },
    out: { type: 'string' },
    script: { type: 'string' },
    loop: { type: 'boolean', default: false },
  },
});

if (!(values.preset in PRESETS))
  fail(`unknown preset '${values.preset}' (one of ${Object.keys(PRESETS).join(', ')})`);
if (!(values.type in WEIGHT_TYPES))
  fail(`unknown type '${values.type}' (one of ${Object.keys(WEIGHT_TYPES).join(', ')})`);
if (!values.out) fail('--out FILE is required');

let script: string[] | undefined;
if (values.script !== undefined) {
  try {
    script = JSON.parse(values.script);
  } catch {
    fail('--script must be a JSON array of strings');
  }
  if (
    !Array.isArray(script) ||
    script.length === 0 ||
    !script.every((s) => typeof s === 'string' && s.length > 0)
  ) {
    fail('--script must be a non-empty JSON array of non-empty strings');
  }
}

const started = Date.now();
try {
  makeModel(values.out, {
    preset: values.preset as PresetName,
    type: values.type as WeightTypeName,
    script,
    loop: values.loop,
  });
} catch (error) {
  fail((error as Error).message);
}
console.log(
  JSON.stringify({
    out: values.out,
    preset: values.preset,
    type: values.type,
    scripted: Boolean(script),
    ms: Date.now() - started,
  }),
);
