// Plain words L7's views share: paths as the user knows them, how long a grant lasts, and what
// each capability does said as a verb.
import type { GrantView } from '../bus/index.ts';

/** A path under the home folder as ~/…; anything else as it is. */
export function shortPath(path: string, home: string): string {
  if (!home || home === '/') return path;
  if (path === home) return '~';
  return path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
}

const when = (at: number) => new Date(at).toISOString().slice(0, 16).replace('T', ' ');

export function durationWords(g: Pick<GrantView, 'duration' | 'expiresAt'>, now: number): string {
  switch (g.duration) {
    case 'once':
      return 'once';
    case 'task':
      return 'for one task';
    case 'session':
      return 'for this session';
    case 'until':
      return g.expiresAt !== null && g.expiresAt > now
        ? `until ${when(g.expiresAt)} UTC`
        : 'for a while (expired)';
    case 'persistent':
      return 'always';
  }
}

/** [what it did, what it would do] for each capability. */
export const VERBS: Record<string, [string, string]> = {
  'files.read': ['read', 'read'],
  'files.list': ['listed', 'list'],
  'files.write': ['wrote', 'write'],
  'files.delete': ['moved to the trash', 'move to the trash'],
  'process.exec': ['ran', 'run'],
  'web.fetch': ['fetched', 'fetch'],
  'clipboard.read': ['read the clipboard', 'read the clipboard'],
  'clipboard.write': ['copied to the clipboard', 'copy to the clipboard'],
  'memory.write_durable': ['remembered', 'remember'],
  'memory.export': ['exported your memories to', 'export your memories to'],
  'models.download': ['downloaded', 'download'],
  'app.update': ['checked for updates at', 'check for updates at'],
  'models.import': ['added the model file', 'add the model file'],
  'avatar.import': ['set the 3D avatar', 'set the 3D avatar'],
  'router.remote': ['asked the remote model', 'ask the remote model'],
  'router.remote_with_private': ['sent private context to', 'send private context to'],
  'router.configure': ['connected to', 'connect to'],
  'persona.edit': ['changed the persona', 'change the persona'],
  'audit.export': ['exported the audit log to', 'export the audit log to'],
  'policy.admin': ['changed a setting:', 'change a setting:'],
  'files.restore': ['undid the change to', 'undo the change to'],
  'data.export': ['exported everything to', 'export everything to'],
  'data.delete_all': ['deleted', 'delete'],
};
