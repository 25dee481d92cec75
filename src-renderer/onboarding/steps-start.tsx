// The first run's first steps: what runs where, this computer, and who the companion is.
import { useEffect, useState } from 'react';
import { PresenceFace } from '../components/presence-face.tsx';
import { size } from '../components/units.ts';
import { useStores } from '../context.tsx';
import { Appearance } from '../trust/appearance-controls.tsx';
import { storedTheme } from '../trust/appearance.ts';
import { StepNav, type StepProps } from './step-nav.tsx';

export function WelcomeStep({ id }: StepProps) {
  const { usePresence } = useStores();
  return (
    <>
      <h2>Welcome to Aether</h2>
      <p>
        Everything runs on this computer: the model, your memories, your conversations. Nothing
        leaves it unless you allow it, and every action Aether takes is written in an audit log you
        can check.
      </p>
      <Appearance testId="onboarding-theme" />
      <StepNav
        id={id}
        onNext={() => `${storedTheme()}${usePresence.getState().still ? ', less motion' : ''}`}
      />
    </>
  );
}

export function ComputerStep({ id }: StepProps) {
  const { useTrust } = useStores();
  const hardware = useTrust((s) => s.hardware);
  const load = useTrust((s) => s.loadHardware);
  useEffect(() => {
    void load();
  }, [load]);
  const hw = hardware?.hardware;
  return (
    <>
      <h2>This computer</h2>
      {!hardware && <p>Looking…</p>}
      {hw && (
        <dl className="facts" data-testid="onboarding-hardware">
          <dt>Memory</dt>
          <dd>
            {size(hw.totalRamBytes)} ({size(hw.freeRamBytes)} free now)
          </dd>
          <dt>Cores</dt>
          <dd>{hw.cores}</dd>
          <dt>GPU</dt>
          <dd>{'name' in hw.gpu ? hw.gpu.name : `none used: ${hw.gpu.none}`}</dd>
          <dt>Free disk</dt>
          <dd>
            {size(hw.freeDiskBytes)} in <code>{hw.modelsDir}</code>
          </dd>
        </dl>
      )}
      {hardware?.problem && <p className="deny">{hardware.problem}</p>}
      {hardware && <p data-testid="onboarding-fits">{hardware.recommendation.sentence}</p>}
      <StepNav id={id} />
    </>
  );
}

export function PersonaStep({ id }: StepProps) {
  const { usePersona } = useStores();
  const { personas, refresh } = usePersona();
  const [chosen, choose] = useState<string | null>(null);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const active = chosen ?? personas.find((p) => p.active)?.id ?? null;
  return (
    <>
      <h2>Who should your companion be?</h2>
      <div className="cards">
        {personas.map((p) => (
          <button
            key={p.id}
            className={`card ${p.id === active ? 'chosen' : ''}`}
            data-testid="onboarding-persona"
            data-id={p.id}
            aria-pressed={p.id === active}
            onClick={() => choose(p.id)}
          >
            <PresenceFace state="idle" look={p.look ?? undefined} name={p.displayName} />
            <b>{p.displayName}</b>
            <span className="muted">{p.tagline}</span>
            {p.greeting && <q data-testid="onboarding-persona-line">{p.greeting}</q>}
          </button>
        ))}
      </div>
      <p className="muted">
        You can import a character card or write your own later, in the Persona tab.
      </p>
      <StepNav
        id={id}
        onNext={async () => {
          if (active && !personas.find((p) => p.id === active)?.active) {
            usePersona.setState({ selected: active });
            await usePersona.getState().activate();
          }
          return active ?? undefined;
        }}
      />
    </>
  );
}
