// An update check is a network action like any other: it runs as L5's `app.update` executor,
// so each one is decided by the gate (automatic in every preset, being low risk and sending
// nothing of the user's), audited with the feed's address, and stopped with everything else
// when the audit log breaks.
import type { ActionOutcome, ToolExecutor } from '../../engines/bus/index.ts';
import type { Host } from '../../engines/host/index.ts';
import type { UpdateService, UpdateState } from './update-service.ts';

/** Where installed apps read their feeds (electron-builder.yml's `publish`). */
export const FEED_URL = 'https://github.com/aether-companion/aether/releases/latest/download';

function said(s: UpdateState): string {
  switch (s.state) {
    case 'downloading':
      return `found Aether ${s.version}; downloading it`;
    case 'ready':
      return `Aether ${s.version} is ready`;
    case 'refused':
    case 'failed':
      return `no update: ${s.reason}`;
    default:
      return 'Aether is up to date';
  }
}

/** What L5 runs once it allowed a check. */
export function updateExecutor(service: () => UpdateService): ToolExecutor<'app.update'> {
  return async () => {
    const state = await service().check();
    return { summary: said(state), output: state.state };
  };
}

/** A check as the schedule or the tray asks for it: through the gate. */
export function gatedCheck(host: Host, feedUrl = FEED_URL): () => Promise<ActionOutcome> {
  return () =>
    host.bus.invoke('policy.perform', {
      capability: 'app.update',
      target: feedUrl,
      actor: 'aether',
      why: 'a check for a new version of Aether',
    });
}
