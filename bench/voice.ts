// npm run bench:voice -- [--runs N]
// Issue 12's voice benchmark. Prints JSON:
// - activity: VAD onset and endpoint through the host vs sherpa's VAD called bare;
// - turns: end of the user's speech → first spoken piece at the page, p50/p95 over N utterances,
//   each stage's share, with (a) the tiny scripted model and (b) a Qwen2.5-0.5B-shaped one, and the
//   same pieces called bare (VAD endpoint + recogniser + model to its first clause + flite);
// - bargeIn: speech onset → duck and → hard stop; echo: the reply fed back into the microphone;
// - text turns: send → first token with the words read ahead while typing, against without.
import { parseArgs } from 'node:util';
import { cachedModel } from '../scripts/gguf/cache.ts';
import { spoken, testPack } from '../engines/interaction/speech/speech.fixture.ts';
import { round, summary } from './stats.ts';
import { activityBench } from './voice-activity.ts';
import { bargeIn, echo } from './voice-barge.ts';
import { pageDuckBench } from './voice-page.ts';
import { preloadBench } from './voice-preload.ts';
import { bareSide, HEARD, spokenTurn, voiceHost, type TurnTiming } from './voice-turn.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' } } });
const runs = Number(values.runs);
const REPLY = ['Sure,', ' the sea', ' is deep', ' and wide.', ' It covers most of the Earth.'];
const QUESTIONS = [
  'tell me about the sea',
  'what lives in the deep ocean',
  'why is the sea salty',
  'how big is the pacific',
  'where do waves come from',
];
const question = (i: number) => spoken(QUESTIONS[i % QUESTIONS.length], 0.4, 0.9);

async function turns(modelPath: string) {
  const h = await voiceHost(modelPath);
  const timings: TurnTiming[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const t = await spokenTurn(h, question(i));
      if (t) timings.push(t);
    }
  } finally {
    await h.close();
  }
  const stage = (k: keyof TurnTiming) => summary(timings.map((t) => t[k]));
  const total = stage('total');
  const share = (k: keyof TurnTiming) => round(stage(k).p50 / total.p50, 2);
  const stages = ['endpoint', 'recognise', 'route', 'firstToken', 'firstPiece'] as const;
  return {
    endOfSpeechToFirstAudioMs: total,
    missed: runs - timings.length,
    stagesMs: Object.fromEntries(stages.map((k) => [k, stage(k)])),
    shareOfP50: Object.fromEntries(stages.map((k) => [k, share(k)])),
  };
}

async function bare(modelPath: string) {
  const side = await bareSide(modelPath, testPack(HEARD));
  const sums: number[] = [];
  for (let i = 0; i < runs; i++) {
    const p = await side(question(i));
    sums.push(p.vadEndMs + p.recogniseMs + p.firstClauseMs + p.sayMs);
  }
  return summary(sums);
}

async function barge(modelPath: string) {
  const h = await voiceHost(modelPath);
  const over = spoken('wait, stop, that is enough, thank you', 0.3, 0.6);
  const results = [];
  const echoes = [];
  try {
    for (let i = 0; i < Math.min(runs, 10); i++) results.push(await bargeIn(h, over));
    for (let i = 0; i < runs; i++) echoes.push(await echo(h));
  } finally {
    await h.close();
  }
  const ok = results.filter((r) => r !== null);
  return {
    onsetToDuckMs: summary(ok.map((r) => r.duckMs).filter(Number.isFinite)),
    onsetToStopMs: summary(ok.map((r) => r.stopMs).filter(Number.isFinite)),
    falseBargeInsOnEcho: echoes.filter((e) => e === true).length,
    echoReplies: echoes.filter((e) => e !== null).length,
  };
}

async function withHost<T>(
  model: string,
  fn: (h: Awaited<ReturnType<typeof voiceHost>>) => Promise<T>,
) {
  const h = await voiceHost(model);
  try {
    return await fn(h);
  } finally {
    await h.close();
  }
}

const tiny = cachedModel({ preset: 'tiny', type: 'q8_0', script: REPLY });
const qwen = cachedModel({ preset: 'qwen2.5-0.5b', type: 'q4_0', script: REPLY });
const report = {
  bench: 'voice',
  runs,
  activity: await activityBench(runs),
  turns: {
    tinyScripted: { aether: await turns(tiny), bareSum: await bare(tiny) },
    qwen05bShaped: { aether: await turns(qwen), bareSum: await bare(qwen) },
  },
  bargeIn: { ...(await barge(tiny)), page: await pageDuckBench(Math.min(runs, 5)) },
  textTurnsQwen05bShaped: await withHost(qwen, (h) => preloadBench(h, runs)),
  targets: {
    qwenEndOfSpeechToFirstAudio: 'p50 <= 1200 ms, p95 <= 2000 ms',
    overheadOverBare: '<= 10 %',
    onsetToDuck: '<= 100 ms (bargeIn.page: the page ducks; bargeIn.onsetToDuckMs: the host does)',
    onsetToStop: '<= 600 ms',
    falseBargeInsOnEcho: '0 of 20',
    readAheadShareOfPlainP50: '<= 0.4',
  },
};
const over = (t: typeof report.turns.tinyScripted) =>
  round((t.aether.endOfSpeechToFirstAudioMs.p50 / t.bareSum.p50 - 1) * 100, 1);
console.log(
  JSON.stringify(
    {
      ...report,
      overheadOverBarePercent: {
        tinyScripted: over(report.turns.tinyScripted),
        qwen05bShaped: over(report.turns.qwen05bShaped),
      },
    },
    null,
    2,
  ),
);
