// The posture badges in the header and the trust center, with what to do about each warning.
import type { EffectiveModes, PostureBadge } from '../bus/index.ts';

export type PostureInputs = {
  modes: Pick<EffectiveModes, 'posture' | 'auditHealthy'>;
  auditProblem: string | null;
  /** The router's state: a local model loaded, degraded, or none. */
  model: { state: string; error: string | null };
  remoteConfigured: boolean;
  memoryOn: boolean;
  /** Whether the network looks reachable (a remote request or a download failing says not). */
  online: boolean;
};

export function postureOf(p: PostureInputs): PostureBadge[] {
  const badges: PostureBadge[] = [];
  const local = p.modes.posture === 'local-only' || !p.remoteConfigured;
  badges.push(
    local
      ? { id: 'local', label: 'Local only', tone: 'ok', help: null }
      : {
          id: 'remote',
          label: 'Remote allowed',
          tone: 'warn',
          help: 'Requests may go to your remote model server (each one asks, within your spending caps). Set the privacy posture to local only to stop that.',
        },
  );
  badges.push(
    p.modes.auditHealthy
      ? { id: 'audit', label: 'Audit healthy', tone: 'ok', help: null }
      : {
          id: 'audit',
          label: 'Audit broken',
          tone: 'bad',
          help: `Side effects are stopped: ${p.auditProblem ?? 'the audit log failed'}. Export the log for a record, then verify it in the trust center.`,
        },
  );
  if (!p.online)
    badges.push({
      id: 'offline',
      label: 'Offline',
      tone: 'warn',
      help: 'Downloads and remote models wait until the network is back; local chat goes on.',
    });
  badges.push(
    p.memoryOn
      ? { id: 'memory', label: 'Memory on', tone: 'ok', help: null }
      : {
          id: 'memory',
          label: 'No memory',
          tone: 'warn',
          help: 'Aether keeps nothing between conversations. Turn memory on in the Memory tab.',
        },
  );
  if (p.model.state === 'degraded' || p.model.state === 'error' || p.model.state === 'no-model')
    badges.push({
      id: 'model',
      label: p.model.state === 'no-model' ? 'No model' : 'Model degraded',
      tone: 'bad',
      help:
        p.model.state === 'no-model'
          ? 'Install a model in the Models tab (or run the first run again from settings).'
          : `The local model is not answering well${p.model.error ? ` (${p.model.error})` : ''}; Aether restarts it, or choose a smaller one in the Models tab.`,
    });
  return badges;
}
