// Right column: the live turn as the host reports it — state, presence, model and speed.
import { Avatar } from '../components/avatar.tsx';
import { PresenceFace } from '../components/presence-face.tsx';
import { useStores } from '../context.tsx';
import type { InspectorState } from '../stores/inspector.ts';

const fmt = (n: number | null, unit: string, digits = 0) =>
  n === null ? '—' : `${n.toFixed(digits)} ${unit}`;

const routeLine = (route: NonNullable<InspectorState['route']>) =>
  route.tier +
  (route.provider !== 'local' ? ` · ${route.provider}` : '') +
  (route.fallbacks.length ? ` (then ${route.fallbacks.join(', ')})` : '');

function Facts({ s }: { s: InspectorState }) {
  const routerLine = s.router ? s.router.state : 'connecting';
  return (
    <dl className="facts">
      <dt>Turn</dt>
      <dd data-testid="turn-state" data-state={s.turnState}>
        {s.turnState}
      </dd>
      <dt>Presence</dt>
      <dd data-testid="presence-state">{s.presence}</dd>
      <dt>Model</dt>
      <dd data-testid="inspector-model">{s.model ?? s.router?.model ?? 'none'}</dd>
      <dt>Route</dt>
      <dd data-testid="inspector-route" title={s.route?.rationale}>
        {s.route ? routeLine(s.route) : '—'}
      </dd>
      <dt>Runtime</dt>
      <dd data-testid="router-state">
        {routerLine}
        {s.router ? ` · ${s.router.threads} thread${s.router.threads === 1 ? '' : 's'}` : ''}
      </dd>
      <dt>First token</dt>
      <dd data-testid="inspector-ttft">{fmt(s.ttftMs, 'ms')}</dd>
      <dt>Speed</dt>
      <dd data-testid="inspector-tps">{fmt(s.tokensPerSecond, 'tok/s', 1)}</dd>
      <dt>Tokens</dt>
      <dd>{s.tokens}</dd>
      <dt>Prompt</dt>
      <dd
        data-testid="inspector-prompt"
        title="How much of the last prompt the model had read already"
      >
        {s.prompt ? promptLine(s.prompt) : '—'}
      </dd>
    </dl>
  );
}

/** "640 tokens, 630 read already · 12 said ahead": why the reply started when it did. */
function promptLine(p: NonNullable<InspectorState['prompt']>): string {
  const ahead = p.aheadTokens ? ` · ${p.aheadTokens} said ahead` : '';
  return `${p.promptTokens} tokens, ${p.cachedTokens} read already${ahead}`;
}

function Memories({ s }: { s: InspectorState }) {
  return (
    <>
      <div className="used-memories" data-testid="inspector-memories">
        <h3 className="section">Remembered for this turn</h3>
        {s.memories.length === 0 ? (
          <p className="muted">nothing</p>
        ) : (
          <ul>
            {s.memories.map((m) => (
              <li key={m.id}>
                {m.content} <span className="muted">({m.privacy})</span>
              </li>
            ))}
          </ul>
        )}
      </div>
      {s.memoryProblems.length > 0 && (
        <div className="memory-problems" data-testid="inspector-memory-problems" role="status">
          <h3 className="section">Memory could not keep up</h3>
          <ul>
            {s.memoryProblems.map((p) => (
              <li key={`${p.turnId}-${p.at}`}>
                {p.message} <span className="muted">({new Date(p.at).toLocaleTimeString()})</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}

/** What the voice pipeline is doing: the VAD, the words heard, the time to the first audio. */
function Voice() {
  const { useVoice } = useStores();
  const { status, pipeline, speaking, micOn, outputOn } = useVoice();
  if (!micOn && !outputOn) return null;
  return (
    <div className="inspector-voice" data-testid="inspector-voice">
      <h3 className="section">Voice</h3>
      <dl className="facts">
        <dt>Speech</dt>
        <dd>{status ? `${status.state}${status.recogniser ? '' : ' · no recogniser'}` : '—'}</dd>
        <dt>VAD</dt>
        <dd data-testid="inspector-vad">{pipeline.vad}</dd>
        <dt>Heard</dt>
        <dd data-testid="inspector-heard">
          {pipeline.heard ?? '—'}
          {pipeline.decodeMs !== null && ` (${pipeline.decodeMs} ms)`}
        </dd>
        <dt>First audio</dt>
        <dd data-testid="inspector-first-audio">{fmt(pipeline.firstAudioMs, 'ms')}</dd>
        <dt>Saying</dt>
        <dd>{speaking?.text ?? '—'}</dd>
      </dl>
    </div>
  );
}

/** The persona's face as it is now (L3's frames), or its resting look until they come. */
function Face({ s }: { s: InspectorState }) {
  const { usePresence } = useStores();
  const frame = usePresence((p) => p.frame);
  const name = s.persona?.displayName ?? 'Aether';
  if (!frame) return <PresenceFace state={s.presence} look={s.persona?.presence} name={name} />;
  return (
    <Avatar
      frame={frame}
      look={s.persona?.presence}
      name={name}
      size="card"
      testId="presence-face"
    />
  );
}

export function Inspector() {
  const { useInspector } = useStores();
  const s = useInspector();
  return (
    <div className="tab-body">
      <div className="presence">
        <Face s={s} />
        <div>
          <div className="persona-name">{s.persona?.displayName ?? 'Aether'}</div>
          <div className="persona-tagline">{s.persona?.tagline}</div>
        </div>
      </div>
      <Facts s={s} />
      <Voice />
      <Memories s={s} />
      {s.router?.error && (
        <p className="router-error" role="status">
          {s.router.error.message}
        </p>
      )}
    </div>
  );
}
