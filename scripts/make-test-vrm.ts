// npm run make-test-vrm -- OUT.vrm [--spec 1.0|0.x] [--name NAME]
// Writes the generated test avatar (a humanoid skeleton, a head with mouth-shape, mood and
// blink morph targets): what the tests and bench:presence load, for trying the picker by hand.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { makeVrm } from './vrm/make-vrm.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { spec: { type: 'string' }, name: { type: 'string' } },
});
const out = positionals[0];
if (!out || (values.spec && values.spec !== '1.0' && values.spec !== '0.x')) {
  console.error('make-test-vrm: OUT.vrm is required; --spec is 1.0 (default) or 0.x');
  process.exit(2);
}
const bytes = makeVrm({ spec: values.spec as '1.0' | '0.x' | undefined, name: values.name });
writeFileSync(out, bytes);
console.log(`wrote ${out} (${bytes.length} bytes, VRM ${values.spec ?? '1.0'})`);
