// Where a turn's generation runs, as a pure function of what there is and what was asked: the
// tiers in the order they are tried, and the reason shown in the inspector. Precedence: the
// user's own setting, then the persona's preference, then this machine.
export type Tier = 'local-small' | 'local' | 'remote';

export type RouteFacts = {
  /** A short message the small model may answer. */
  quick: boolean;
  hasSmall: boolean;
  hasLocal: boolean;
  remote: {
    /** A server is set up (whether or not it is switched on). */
    configured: boolean;
    /** Switched on. */
    available: boolean;
    /** The stored preference, and whether the user chose it themselves. */
    prefer: 'local' | 'remote';
    userChose: boolean;
    breaker: 'closed' | 'open' | 'half-open';
  };
  hints?: {
    prefer: 'local' | 'remote' | null;
    latencyBudgetMs: number | null;
    privacyPosture?: 'strict' | 'balanced' | 'open';
  };
};

export type RoutePlan = { tiers: Tier[]; why: string };

export function planRoute(f: RouteFacts): RoutePlan {
  const userPrefers = f.remote.configured ? f.remote.prefer : null;
  const prefer = f.remote.userChose ? userPrefers : (f.hints?.prefer ?? userPrefers ?? 'local');
  // A tight latency budget passes over a remote provider that has been failing (its retries
  // alone would use the budget up).
  const tight = (f.hints?.latencyBudgetMs ?? Infinity) < 1500 && f.remote.breaker !== 'closed';
  // A strict persona keeps replies here; only the user's own choice of a remote model overrides it.
  const strict =
    f.hints?.privacyPosture === 'strict' && !(f.remote.userChose && userPrefers === 'remote');
  const order: Tier[] =
    prefer === 'remote' && !tight && !strict ? ['remote', 'local'] : ['local', 'remote'];
  const small = f.quick && f.hasSmall;
  const tiers = [...(small ? (['local-small'] as Tier[]) : []), ...order].filter((t) =>
    t === 'local' ? f.hasLocal : t === 'remote' ? f.remote.available && !strict : true,
  );
  const why = small
    ? 'a short message: the small model answers faster'
    : strict
      ? 'the persona keeps replies on this machine'
      : tight && prefer === 'remote'
        ? 'the remote model has been failing and the reply should start soon'
        : prefer === 'remote'
          ? f.remote.userChose
            ? 'you prefer the remote model'
            : 'the persona prefers the remote model'
          : 'replies stay on this machine by default';
  return { tiers, why };
}
