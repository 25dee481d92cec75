// Settings: what Aether may do (preset, privacy posture, spending caps — each an approved,
// audited L5 change), memory, voice, appearance, and the first run again.
import { useEffect, useState } from 'react';
import type { CommandInput } from '../../engines/bus/index.ts';
import { Approvals } from '../components/approval-card.tsx';
import { VoiceOutputToggle } from '../components/voice-controls.tsx';
import { useClient, useStores } from '../context.tsx';
import { say } from '../ipc/client.ts';
import { setTheme, storedTheme, type Theme } from './appearance.ts';
import { DataControls } from './data-controls.tsx';

type Change = CommandInput<'policy.change'>;

/** Sends one policy change (an approval card asks first) and says how it went. */
export function usePolicyChange() {
  const client = useClient();
  const { useTrust } = useStores();
  const [said, setSaid] = useState<string | null>(null);
  const change = async (input: Change) => {
    try {
      const o = await client.invoke('policy.change', input);
      setSaid(o.status === 'done' ? 'Changed.' : o.explanation);
    } catch (e) {
      setSaid(say(e));
    }
    await useTrust.getState().refresh();
  };
  return { change, said };
}

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
      <p className="muted">
        Workspace folder: <code>{modes?.workspace}</code> (start Aether with{' '}
        <code>--workspace</code> to change it).
      </p>
      {said && <p role="status">{said}</p>}
    </section>
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

function Appearance() {
  const { usePresence } = useStores();
  const still = usePresence((s) => s.still);
  const setStill = usePresence((s) => s.setStill);
  const [theme, pick] = useState<Theme>(storedTheme());
  return (
    <>
      <label>
        Theme{' '}
        <select
          data-testid="settings-theme"
          value={theme}
          onChange={(e) => {
            pick(e.target.value as Theme);
            setTheme(e.target.value as Theme);
          }}
        >
          <option value="system">Like the system</option>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>
      </label>
      <label>
        <input type="checkbox" checked={still} onChange={(e) => setStill(e.target.checked)} /> Less
        motion
      </label>
    </>
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
        </label>
        <Appearance />
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
