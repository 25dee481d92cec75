// /metrics: what the host has done since it started, in Prometheus's text format, counted from
// the bus's own events (turns, first tokens, voice latency, decisions, recalls, process starts).
import type { Bus, Disposable } from '../bus/index.ts';

/** Upper bounds, in ms, for the latency histograms. */
const MS_BUCKETS = [50, 100, 250, 500, 1000, 2500, 5000, 10000];

class Histogram {
  private readonly counts = MS_BUCKETS.map(() => 0);
  private sum = 0;
  private n = 0;
  observe(v: number): void {
    this.sum += v;
    this.n += 1;
    MS_BUCKETS.forEach((b, i) => {
      if (v <= b) this.counts[i] += 1;
    });
  }
  lines(name: string): string[] {
    return [
      ...MS_BUCKETS.map((b, i) => `${name}_bucket{le="${b}"} ${this.counts[i]}`),
      `${name}_bucket{le="+Inf"} ${this.n}`,
      `${name}_sum ${this.sum}`,
      `${name}_count ${this.n}`,
    ];
  }
}

const label = (v: string) => v.replace(/["\\\n]/g, '_');

function counterLines(name: string, help: string, key: string, m: Map<string, number>): string[] {
  return [
    `# HELP ${name} ${help}`,
    `# TYPE ${name} counter`,
    ...[...m].map(([k, v]) => `${name}{${key}="${label(k)}"} ${v}`),
  ];
}

type Counts = {
  turns: Map<string, number>;
  decisions: Map<string, number>;
  starts: Map<string, number>;
  ttft: Histogram;
  voice: Histogram;
  recall: Histogram;
  tokensPerSecond: number | null;
};

const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

function collect(bus: Bus, n: Counts): Disposable[] {
  let voiceState = 'off';
  return [
    bus.on('chat.turn_finished', ({ payload: { turn } }) => {
      bump(n.turns, turn.status);
      if (turn.ttftMs !== null) n.ttft.observe(turn.ttftMs);
      if (turn.tokensPerSecond !== null) n.tokensPerSecond = turn.tokensPerSecond;
    }),
    bus.on('voice.speaking', ({ payload }) => {
      if (payload.state === 'started' && payload.firstAudioMs !== null)
        n.voice.observe(payload.firstAudioMs);
    }),
    bus.on('policy.decided', ({ payload }) => bump(n.decisions, payload.decision)),
    bus.on('memory.recalled', ({ payload }) => n.recall.observe(payload.ms)),
    // A model load is the model process starting its work; every voice start, the speech process.
    bus.on('router.status_changed', ({ payload }) => {
      if (payload.state === 'loading') bump(n.starts, 'model');
    }),
    bus.on('voice.status_changed', ({ payload }) => {
      if (payload.state === 'starting' && voiceState !== 'starting') bump(n.starts, 'speech');
      voiceState = payload.state;
    }),
  ];
}

const histogram = (name: string, help: string, h: Histogram) => [
  `# HELP ${name} ${help}`,
  `# TYPE ${name} histogram`,
  ...h.lines(name),
];
const gauge = (name: string, help: string, v: number | null) => [
  `# HELP ${name} ${help}`,
  `# TYPE ${name} gauge`,
  `${name} ${v ?? 'NaN'}`,
];

function text(n: Counts, pending: number): string {
  const restarts = new Map([...n.starts].map(([k, v]) => [k, Math.max(0, v - 1)]));
  return [
    ...counterLines('aether_turns_total', 'Turns finished, by status.', 'status', n.turns),
    ...histogram('aether_ttft_ms', 'Time to the first token of a reply.', n.ttft),
    ...histogram(
      'aether_voice_first_audio_ms',
      'End of speaking to the first spoken piece.',
      n.voice,
    ),
    ...gauge('aether_tokens_per_second', 'Generation speed of the last reply.', n.tokensPerSecond),
    ...counterLines(
      'aether_policy_decisions_total',
      'Gate decisions, by verdict.',
      'verdict',
      n.decisions,
    ),
    ...gauge('aether_approvals_waiting', 'Approval cards waiting for an answer.', pending),
    ...histogram('aether_memory_query_ms', 'Time to recall memories for a turn.', n.recall),
    ...counterLines(
      'aether_process_restarts_total',
      'Model and speech process restarts.',
      'process',
      restarts,
    ),
    '',
  ].join('\n');
}

export function createMetrics(bus: Bus) {
  const n: Counts = {
    turns: new Map(),
    decisions: new Map(),
    starts: new Map([
      ['model', 0],
      ['speech', 0],
    ]),
    ttft: new Histogram(),
    voice: new Histogram(),
    recall: new Histogram(),
    tokensPerSecond: null,
  };
  const subs = collect(bus, n);
  return {
    async render(): Promise<string> {
      const { pending } = await bus.invoke('policy.get_state', {});
      return text(n, pending);
    },
    dispose(): void {
      for (const s of subs) s.dispose();
    },
  };
}
