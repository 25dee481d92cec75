// What a restart would cut, as the host's events tell it: a turn under way, an approval card
// waiting, a model download running. The updater asks before restarting (update-service.ts).
import type { Host } from '../engines/host/index.ts';

export function watchBusy(host: Host, onIdle: () => void) {
  let turn = false;
  const approvals = new Set<string>();
  const downloads = new Set<string>();
  const changed = () => {
    if (!turn && approvals.size === 0 && downloads.size === 0) onIdle();
  };
  const subs = [
    host.bus.on('turn.state_changed', (e) => {
      turn = e.payload.state !== 'idle';
      changed();
    }),
    host.bus.on('policy.approval_pending', (e) => approvals.add(e.payload.approval.ticketId)),
    host.bus.on('policy.approval_resolved', (e) => {
      approvals.delete(e.payload.ticketId);
      changed();
    }),
    host.bus.on('models.download_progress', (e) => downloads.add(e.payload.id)),
    host.bus.on('models.download_finished', (e) => {
      downloads.delete(e.payload.id);
      changed();
    }),
  ];
  return {
    /** What is under way, in words, or null. */
    busy(): string | null {
      if (turn) return 'a reply is under way';
      if (approvals.size) return 'an approval is waiting for your answer';
      if (downloads.size) return 'a model is downloading';
      return null;
    },
    dispose: () => subs.forEach((s) => s.dispose()),
  };
}
