// Settings: what Aether may do (preset, privacy posture, spending caps — each an approved,
// audited L5 change), memory, voice, appearance, and the first run again.
import { useEffect, useState } from 'react';
import { Approvals } from '../components/approval-card.tsx';
import { VoiceOutputToggle, VoicePreviewButton } from '../components/voice-controls.tsx';
import { dollars } from '../components/units.ts';
import { useStores } from '../context.tsx';
import { Appearance } from './appearance-controls.tsx';
import { DataControls } from './data-controls.tsx';
import { usePolicyChange } from './policy-change.ts';
import { UpdateSettings } from './update-settings.tsx';
import { WorkspaceSetting } from './workspace-setting.tsx';

function PolicySettings() {
  const { useTrust } = useStores();
  const modes = useTrust((s) => s.view?.modes);
  const { change, said } = usePolicyChange();
  return (
    <section className="trust-section">
      <h3>What Aether may do</h3>
      <label>
        Autonomy{' '}
        <select
          data-testid="settings-preset"
          value={modes?.preset ?? 'assistant'}
          onChange={(e) => void change({ op: 'set_preset', preset: e.target.value as 'assistant' })}
        >
          <option value="observer">Observer — looks, never acts</option>
          <option value="assistant">Assistant — asks before acting</option>
          <option value="operator">Operator — acts in the workspace, asks for the rest</option>
          <option value="power-user">Power user</option>
        </select>
      </label>
      <label>
        Privacy{' '}
        <select
          data-testid="settings-posture"
          value={modes?.posture ?? 'balanced'}
          onChange={(e) =>
            void change({ op: 'set_posture', posture: e.target.value as 'local-only' })
          }
        >
          <option value="local-only">Local only — nothing leaves this computer</option>
          <option value="balanced">Remote allowed, asking each time</option>
          <option value="open">Open</option>
        </select>
      </label>
      <WorkspaceSetting />
      {said && <p role="status">{said}</p>}
      <CapsSetting />
    </section>
  );
}

const centsOf = (v: string): number | null =>
  v.trim() === '' ? null : Math.round(Number(v) * 100);

/** Spending caps for the remote provider in use (a policy.change; an approval card asks). */
function CapsSetting() {
  const { useTrust } = useStores();
  const spending = useTrust((s) => s.view?.spending[0] ?? null);
  const { change, said } = usePolicyChange();
  const [daily, setDaily] = useState('');
  const [monthly, setMonthly] = useState('');
  if (!spending)
    return (
      <p className="muted">
        Spending caps apply once a remote model server is set up (Models tab).
      </p>
    );
  const bad = [daily, monthly].some((v) => v.trim() !== '' && !(Number(v) >= 0));
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void change({
          op: 'set_cost_caps',
          provider: spending.provider,
          dailyCents: centsOf(daily),
          monthlyCents: centsOf(monthly),
          dailyTokens: null,
          monthlyTokens: null,
        });
      }}
    >
      Caps for <code>{spending.provider}</code> (now{' '}
      {spending.daily.capCents === null
        ? 'no daily cap'
        : `${dollars(spending.daily.capCents)} a day`}
      ):{' '}
      <input
        aria-label="Daily cap in dollars"
        data-testid="settings-cap-daily"
        placeholder="$ a day"
        value={daily}
        onChange={(e) => setDaily(e.target.value)}
        size={8}
      />{' '}
      <input
        aria-label="Monthly cap in dollars"
        placeholder="$ a month"
        value={monthly}
        onChange={(e) => setMonthly(e.target.value)}
        size={8}
      />{' '}
      <button type="submit" disabled={bad}>
        Set caps
      </button>
      {said && <span role="status"> {said}</span>}
    </form>
  );
}

function MemorySetting() {
  const { useMemory } = useStores();
  const settings = useMemory((s) => s.settings);
  const setSettings = useMemory((s) => s.setSettings);
  return (
    <label>
      Memory{' '}
      <select
        data-testid="settings-memory"
        value={settings?.keeping ?? 'on'}
        onChange={(e) => void setSettings({ keeping: e.target.value as 'on' })}
      >
        <option value="on">On — remembers what matters</option>
        <option value="ask">Ask before keeping anything</option>
        <option value="off">Off — keeps nothing between conversations</option>
      </select>
    </label>
  );
}

export function SettingsView() {
  const { useTrust, useMemory } = useStores();
  const replay = useTrust((s) => s.replay);
  useEffect(() => {
    void useMemory.getState().reload();
  }, [useMemory]);
  return (
    <div className="trust-body" data-testid="settings">
      <Approvals onAnswered={() => {}} />
      <PolicySettings />
      <section className="trust-section">
        <h3>Memory, voice and appearance</h3>
        <MemorySetting />
        <label>
          Speak replies aloud <VoiceOutputToggle />
        </label>{' '}
        <VoicePreviewButton />
        <Appearance testId="settings-theme" />
      </section>
      <section className="trust-section">
        <h3>Updates</h3>
        <UpdateSettings />
      </section>
      <section className="trust-section">
        <h3>First run</h3>
        <button data-testid="settings-replay" onClick={() => void replay()}>
          Go through the first run again
        </button>
      </section>
      <DataControls />
    </div>
  );
}
