// npm run make-test-speech -- --script 'WORDS TO RECOGNISE' --out DIR [--espeak-data DIR]
//   [--streaming]
// Writes a generated speech pack (a scripted recogniser and a tiny voice) that the host loads
// like a downloaded one: npm run serve -- --speech DIR. With --streaming the recogniser is a
// streaming transducer that spells one word per 320 ms of speech heard.
import { parseArgs } from 'node:util';
import { makeSpeechPack } from './speech/make-pack.ts';

const { values } = parseArgs({
  options: {
    script: { type: 'string' },
    out: { type: 'string' },
    'espeak-data': { type: 'string' },
    streaming: { type: 'boolean' },
  },
});

if (!values.script || !values.out) {
  console.error("make-test-speech: --script 'WORDS' and --out DIR are required");
  process.exit(2);
}
const made = makeSpeechPack({
  script: values.script,
  out: values.out,
  espeakData: values['espeak-data'],
  streaming: values.streaming,
});
console.log(
  `wrote ${values.out}/pack.json (recogniser${made.voice ? ' and voice' : '; no espeak-ng-data, so no voice'})`,
);
