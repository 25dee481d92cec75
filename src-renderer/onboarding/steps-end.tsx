// The first run's last steps: how much Aether may do on its own, what may leave this computer,
// and a summary before the persona says hello. Changes go through L5 (an approval card asks).
import { useEffect, useState } from 'react';
import type { TrustView } from '../../engines/bus/index.ts';
import { useClient, useStores } from '../context.tsx';
import { usePolicyChange } from '../trust/policy-change.ts';
import { WorkspaceSetting } from '../trust/workspace-setting.tsx';
import { TrustColumns } from '../trust/trust-columns.tsx';
import { StepNav, type StepProps } from './step-nav.tsx';

const PRESETS = [
  ['observer', 'Observer', 'Looks and suggests; acts only on low-risk things.'],
  ['assistant', 'Assistant', 'Asks before reading, writing or running anything.'],
  ['operator', 'Operator', 'Reads and lists in your workspace on its own; asks for the rest.'],
] as const;
type Preset = (typeof PRESETS)[number][0];

export function AutonomyStep({ id }: StepProps) {
  const client = useClient();
  const { useTrust } = useStores();
  const current = useTrust((s) => s.view?.modes.preset ?? 'assistant');
  const [chosen, choose] = useState<Preset>(
    current === 'observer' || current === 'operator' ? current : 'assistant',
  );
  const [preview, setPreview] = useState<Record<string, TrustView>>({});
  const { change, said } = usePolicyChange();
  useEffect(() => {
    void Promise.all(PRESETS.map(([p]) => client.invoke('trust.get_view', { preset: p }))).then(
      (views) => setPreview(Object.fromEntries(views.map((v, i) => [PRESETS[i][0], v]))),
    );
  }, [client]);
  return (
    <>
      <h2>How much may Aether do on its own?</h2>
      <div className="cards">
        {PRESETS.map(([p, name, sub]) => (
          <button
            key={p}
            className={`card ${p === chosen ? 'chosen' : ''}`}
            data-testid="onboarding-preset"
            data-id={p}
            aria-pressed={p === chosen}
            onClick={() => choose(p)}
          >
            <b>
              {name}
              {p === 'assistant' ? ' (recommended)' : ''}
            </b>
            <span className="muted">{sub}</span>
          </button>
        ))}
      </div>
      {preview[chosen] && <TrustColumns view={preview[chosen]} />}
      <WorkspaceSetting />
      {said && <p role="status">{said}</p>}
      <StepNav
        id={id}
        onNext={async () => {
          if (chosen !== current && !(await change({ op: 'set_preset', preset: chosen })))
            throw new Error('the preset was not changed');
          return chosen;
        }}
      />
    </>
  );
}

export function PrivacyStep({ id }: StepProps) {
  const { useTrust, useMemory } = useStores();
  const posture = useTrust((s) => s.view?.modes.posture ?? 'balanced');
  const [remote, setRemote] = useState(false);
  const [keeping, setKeeping] = useState<'on' | 'ask' | 'off'>('on');
  const { change, said } = usePolicyChange();
  return (
    <>
      <h2>Privacy</h2>
      <label>
        <input
          type="radio"
          name="posture"
          data-testid="onboarding-local-only"
          checked={!remote}
          onChange={() => setRemote(false)}
        />{' '}
        Local only (recommended): nothing leaves this computer
      </label>
      <label>
        <input
          type="radio"
          name="posture"
          data-testid="onboarding-remote"
          checked={remote}
          onChange={() => setRemote(true)}
        />{' '}
        Remote models allowed, asking each time, within the spending caps you set in settings
      </label>
      <h3 className="section">Memory</h3>
      <select
        data-testid="onboarding-memory"
        value={keeping}
        onChange={(e) => setKeeping(e.target.value as 'on')}
      >
        <option value="on">
          On — remembers what matters, with its source, and you can erase it
        </option>
        <option value="ask">Ask before keeping anything</option>
        <option value="off">Off — keeps nothing between conversations</option>
      </select>
      {said && <p role="status">{said}</p>}
      <StepNav
        id={id}
        onNext={async () => {
          const wanted = remote ? 'balanced' : 'local-only';
          if (wanted !== posture && !(await change({ op: 'set_posture', posture: wanted })))
            throw new Error('the posture was not changed');
          await useMemory.getState().setSettings({ keeping });
          return `${remote ? 'remote allowed' : 'local only'}, memory ${keeping}`;
        }}
      />
    </>
  );
}

const NAMES: Record<string, string> = {
  welcome: 'Look',
  persona: 'Persona',
  model: 'Model',
  voice: 'Voice',
  autonomy: 'Autonomy',
  privacy: 'Privacy',
};

export function SummaryStep({ id }: StepProps) {
  const { useTrust, useConversations, useChat, useVoice } = useStores();
  const onboarding = useTrust((s) => s.onboarding);
  const hardware = useTrust((s) => s.hardware);
  const loadHardware = useTrust((s) => s.loadHardware);
  // Where everything lives comes with the hardware (its models folder), read again after a restart.
  useEffect(() => {
    void loadHardware();
  }, [loadHardware]);
  const modelsDir = hardware?.hardware?.modelsDir;
  const dataDir = modelsDir?.replace(/[/\\]models$/, '');
  return (
    <>
      <h2>All set</h2>
      <dl className="facts" data-testid="onboarding-summary">
        {Object.entries(NAMES).map(([step, name]) => (
          <div key={step}>
            <dt>{name}</dt>
            <dd>
              {onboarding?.choices[step] ??
                (onboarding?.steps.find((s) => s.id === step)?.state === 'skipped'
                  ? 'skipped (the default)'
                  : 'the default')}
            </dd>
          </div>
        ))}
      </dl>
      {dataDir && (
        <p className="muted">
          Everything lives in <code>{dataDir}</code>: the database (conversations, memory, grants,
          audit log), models in <code>{modelsDir}</code>, keys in <code>{dataDir}/keys</code>.
        </p>
      )}
      <StepNav
        id={id}
        nextLabel="Say hello"
        onNext={async () => {
          // Hands-free was chosen on the voice step: the microphone opens now, as said there.
          if (onboarding?.choices.voice?.startsWith('hands-free') && !useVoice.getState().micOn)
            await useVoice.getState().toggle();
          const c = await useConversations.getState().create();
          await useChat.getState().send(c.id, 'Hello!');
          return undefined;
        }}
      />
    </>
  );
}
