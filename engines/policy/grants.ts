// Grants and the index the evaluator matches against. Matching cost depends on the depth of a
// path or the length of a command, not on how many grants exist (10,000 must stay under 1 ms).
import { ancestors, isInside } from './resources.ts';
import type { Capability } from './catalog.ts';

export type Scope =
  | { kind: 'path'; root: string }
  | { kind: 'command'; prefix: string[] }
  | { kind: 'host'; host: string; port: number | null }
  | { kind: 'model'; provider: string; model: string | null }
  | { kind: 'any' };

export const durations = ['once', 'task', 'session', 'until', 'persistent'] as const;
export type Duration = (typeof durations)[number];

export type Grant = {
  id: string;
  capability: Capability;
  scope: Scope;
  effect: 'allow' | 'deny';
  duration: Duration;
  expiresAt: number | null;
  usesLeft: number | null;
  taskId: string | null;
  sessionId: string | null;
  personaId: string | null;
  /** Who it was given to: 'user' for the user's own commands, else the requester ('persona:<id>', 'router'). */
  actor?: string;
  createdAt: number;
  revokedAt: number | null;
};

/** A request's resource, canonical, in the shape scopes match against. */
export type Resource =
  | {
      kind: 'path';
      path: string;
      /** device:inode when the file has more than one name (hard links). */ linked?: string[];
    }
  | {
      kind: 'command';
      argv: string[];
      /** Programs that may run (exec-safety.ts); argv[0] when not given. */
      programs?: string[];
      /** Every argument as a canonical path, for the hard blocks. */
      argPaths?: string[];
      /** The last argument a prefix grant may not cover; -1 or absent when every one may be. */
      lastUnsafeArg?: number;
      /** device:inode of arguments that are files with more than one name. */
      linked?: string[];
    }
  | { kind: 'host'; host: string; port: number; privateAddress: boolean }
  | { kind: 'model'; provider: string; model: string }
  | { kind: 'none' };

export type GrantContext = {
  now: number;
  sessionId: string;
  taskId: string | null;
  personaId: string | null;
  actor?: string;
};

export function scopeCovers(scope: Scope, resource: Resource): boolean {
  switch (scope.kind) {
    case 'any':
      return true;
    case 'path':
      return resource.kind === 'path' && isInside(resource.path, scope.root);
    case 'command':
      // A prefix covers the arguments after it only when none of them writes, runs or points outside the workspace.
      return (
        resource.kind === 'command' &&
        scope.prefix.length <= resource.argv.length &&
        scope.prefix.every((t, i) => resource.argv[i] === t) &&
        (resource.lastUnsafeArg ?? -1) < scope.prefix.length
      );
    case 'host':
      return (
        resource.kind === 'host' &&
        resource.host === scope.host &&
        (scope.port === null || scope.port === resource.port)
      );
    case 'model':
      return (
        resource.kind === 'model' &&
        resource.provider === scope.provider &&
        (scope.model === null || scope.model === resource.model)
      );
  }
}

export function isLive(g: Grant, ctx: GrantContext): boolean {
  if (g.revokedAt !== null) return false;
  if (g.expiresAt !== null && g.expiresAt <= ctx.now) return false;
  if (g.usesLeft !== null && g.usesLeft <= 0) return false;
  // A grant serves only the actor it was given to: the user's grant never answers the model.
  if ((g.actor ?? 'user') !== (ctx.actor ?? 'user')) return false;
  if (g.duration === 'session' || g.duration === 'once') {
    // Session grants end with the session, and go dormant when the persona that got them is swapped out.
    if (g.sessionId !== ctx.sessionId) return false;
    if (g.personaId !== null && g.personaId !== ctx.personaId) return false;
  }
  if (g.duration === 'task' && (g.taskId === null || g.taskId !== ctx.taskId)) return false;
  return true;
}

const keyOf = (scope: Scope): string => {
  switch (scope.kind) {
    case 'path':
      return `p:${scope.root}`;
    case 'command':
      return `c:${scope.prefix[0] ?? ''}`;
    case 'host':
      return `h:${scope.host}`;
    case 'model':
      return `m:${scope.provider}`;
    case 'any':
      return '*';
  }
};

function lookupKeys(resource: Resource): string[] {
  switch (resource.kind) {
    case 'path':
      return [...ancestors(resource.path).map((p) => `p:${p}`), '*'];
    case 'command':
      return [`c:${resource.argv[0]}`, '*'];
    case 'host':
      return [`h:${resource.host}`, '*'];
    case 'model':
      return [`m:${resource.provider}`, '*'];
    case 'none':
      return ['*'];
  }
}

export class GrantIndex {
  private byCapability = new Map<Capability, Map<string, Map<string, Grant>>>();
  private byId = new Map<string, Grant>();

  constructor(grants: Iterable<Grant> = []) {
    for (const g of grants) this.add(g);
  }

  get size(): number {
    return this.byId.size;
  }

  add(g: Grant): void {
    this.remove(g.id);
    let buckets = this.byCapability.get(g.capability);
    if (!buckets) this.byCapability.set(g.capability, (buckets = new Map()));
    const key = keyOf(g.scope);
    let bucket = buckets.get(key);
    if (!bucket) buckets.set(key, (bucket = new Map()));
    bucket.set(g.id, g);
    this.byId.set(g.id, g);
  }

  remove(id: string): void {
    const g = this.byId.get(id);
    if (!g) return;
    this.byId.delete(id);
    this.byCapability.get(g.capability)?.get(keyOf(g.scope))?.delete(id);
  }

  get(id: string): Grant | undefined {
    return this.byId.get(id);
  }

  all(): Grant[] {
    return [...this.byId.values()];
  }

  /** Live grants whose scope covers the resource: denies first, then the most specific allow. */
  match(
    capability: Capability,
    resource: Resource,
    ctx: GrantContext,
  ): { deny: Grant | null; allow: Grant | null } {
    const buckets = this.byCapability.get(capability);
    let deny: Grant | null = null;
    let allow: Grant | null = null;
    if (!buckets) return { deny, allow };
    for (const key of lookupKeys(resource)) {
      const bucket = buckets.get(key);
      if (!bucket) continue;
      for (const g of bucket.values()) {
        if (!isLive(g, ctx) || !scopeCovers(g.scope, resource)) continue;
        if (g.effect === 'deny') deny ??= g;
        else allow ??= g; // lookup keys go from the most specific scope outwards
      }
      if (deny) break;
    }
    return { deny, allow };
  }
}
