// The model step (a recommendation for this computer, labelled before any download; a GGUF file
// the user has; or a model server) and the voice step (a microphone test with a live level and
// the words heard, spoken replies, or text only).
import { useEffect, useState } from 'react';
import { ImportForm, OfferedRow } from '../columns/models-tab.tsx';
import { RemoteSettings } from '../components/remote-settings.tsx';
import { VoiceOutputToggle, VoicePreviewButton } from '../components/voice-controls.tsx';
import { size } from '../components/units.ts';
import { useClient, useStores } from '../context.tsx';
import { say } from '../ipc/client.ts';
import type { Hardware } from '../stores/trust.ts';
import { StepNav, type StepProps } from './step-nav.tsx';

type Rec = Hardware['recommendation'];

/** Every chat model labelled fits / tight / too big before anything is downloaded. */
function FitList({ r }: { r: Rec }) {
  const role = (id: string) =>
    id === r.pick?.id
      ? ' · recommended'
      : id === r.smaller?.id
        ? ' · smaller, faster'
        : id === r.larger?.id
          ? ' · larger, better'
          : '';
  return (
    <ul className="rows" data-testid="onboarding-models">
      {r.chat.map((o) => (
        <li
          key={o.id}
          className="row"
          data-testid="onboarding-model-fit"
          data-id={o.id}
          data-fit={o.fit}
        >
          <span>
            <b>{o.name}</b> · {size(o.sizeBytes)} · needs {size(o.needBytes)} of memory{role(o.id)}
          </span>
          <span className={o.fit === 'fits' ? 'ok' : o.fit === 'tight' ? 'muted' : 'deny'}>
            {o.fit}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** Asks a server what it offers before connecting (a web request: an approval card asks). */
function ServerProbe() {
  const client = useClient();
  const [url, setUrl] = useState('http://127.0.0.1:8080/v1');
  const [said, setSaid] = useState<string | null>(null);
  const probe = async () => {
    setSaid('Asking…');
    try {
      const r = await client.invoke('router.probe_remote', { baseUrl: url });
      setSaid(r.problem ?? `It offers: ${r.models.join(', ')}`);
    } catch (e) {
      setSaid(say(e));
    }
  };
  return (
    <>
      <p>
        <input
          aria-label="Server address"
          data-testid="onboarding-server-url"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          size={36}
        />{' '}
        <button data-testid="onboarding-server-probe" onClick={() => void probe()}>
          See its models
        </button>
      </p>
      {said && (
        <p role="status" data-testid="onboarding-server-said">
          {said}
        </p>
      )}
      <p className="muted">
        What would be sent with each request: the persona's instructions, the conversation's recent
        turns and the memories recalled for it — never those marked private without a yes of their
        own; each request asks first while your privacy posture allows remote models.
      </p>
    </>
  );
}

export function ModelStep({ id }: StepProps) {
  const { useTrust, useModels } = useStores();
  const hardware = useTrust((s) => s.hardware);
  const loadHardware = useTrust((s) => s.loadHardware);
  const m = useModels();
  useEffect(() => {
    void useModels.getState().refresh();
  }, [useModels]);
  // Again once a file was added: what it needs of this computer's memory.
  useEffect(() => {
    void loadHardware();
  }, [loadHardware, m.installed.length]);
  const r = hardware?.recommendation;
  const offered = (wanted: string | undefined) => m.catalog.find((e) => e.id === wanted);
  const pick = offered(r?.pick?.id);
  const embedding = offered(r?.embedding?.id);
  return (
    <>
      <h2>A model for this computer</h2>
      {r && <p>{r.sentence}</p>}
      {r && <FitList r={r} />}
      <h3 className="section">Download (it goes on in the background)</h3>
      <ul className="rows">
        {pick && <OfferedRow entry={pick} m={m} />}
        {embedding && <OfferedRow entry={embedding} m={m} />}
      </ul>
      <h3 className="section">Or a GGUF file you have</h3>
      <ImportForm m={m} />
      {hardware?.installed.map((o) => (
        <p key={o.id} data-testid="onboarding-installed-fit" data-fit={o.fit}>
          <b>{o.name}</b> is installed: it needs about {size(o.needBytes)} of memory — {o.fit}.
        </p>
      ))}
      {m.message && <p role="status">{m.message}</p>}
      <details>
        <summary>Or an OpenAI-compatible server</summary>
        <ServerProbe />
        <RemoteSettings />
      </details>
      <StepNav
        id={id}
        onNext={() =>
          m.installed.find((x) => x.id === m.defaultChat)?.name ??
          (pick && m.downloads[pick.id] ? `${pick.name} (downloading)` : undefined)
        }
      />
    </>
  );
}

const TALK = [
  ['typing', 'Type (the microphone stays off)'],
  ['hands-free', 'Hands-free: the microphone is on when the first run ends'],
  ['push-to-talk', 'Push to talk: hold Space in the empty message box'],
] as const;
type Talk = (typeof TALK)[number][0];

/** The microphone's loudness now, as a bar. */
function Meter({ level }: { level: number }) {
  return (
    <div
      className="meter"
      data-testid="onboarding-mic-level"
      data-level={level.toFixed(3)}
      role="meter"
      aria-valuenow={Math.round(level * 100)}
      aria-valuemin={0}
      aria-valuemax={100}
    >
      <span style={{ width: `${Math.min(100, level * 400)}%` }} />
    </div>
  );
}

export function VoiceStep({ id }: StepProps) {
  const { useVoice } = useStores();
  const { testing, level, pipeline, problem, testMic, status } = useVoice();
  const [talk, setTalk] = useState<Talk>('typing');
  useEffect(() => () => void useVoice.getState().testMic(false), [useVoice]);
  return (
    <>
      <h2>Voice</h2>
      <p>
        Talk to Aether hands-free or by holding Space, and hear its replies — or skip this and type.
        {status && status.state !== 'ready' ? ` Voice here: ${status.detail ?? status.state}.` : ''}
      </p>
      <button
        data-testid="onboarding-mic-test"
        aria-pressed={testing}
        onClick={() => void testMic(!testing)}
      >
        {testing ? 'Stop the microphone test' : 'Test the microphone'}
      </button>
      <Meter level={level} />
      <p data-testid="onboarding-heard">
        {testing ? (pipeline.heard ? `Heard: “${pipeline.heard}”` : 'Say something…') : ''}
      </p>
      {problem && (
        <p className="deny" role="alert" data-testid="onboarding-mic-problem">
          {problem} Text works the same.
        </p>
      )}
      {TALK.map(([value, label]) => (
        <label key={value}>
          <input
            type="radio"
            name="talk"
            data-testid={`onboarding-talk-${value}`}
            checked={talk === value}
            onChange={() => setTalk(value)}
          />{' '}
          {label}
        </label>
      ))}
      <label>
        Speak replies aloud <VoiceOutputToggle />
      </label>{' '}
      <VoicePreviewButton />
      <StepNav
        id={id}
        onNext={async () => {
          await testMic(false);
          return `${talk}, ${useVoice.getState().outputOn ? 'spoken replies' : 'text replies'}`;
        }}
      />
    </>
  );
}
