// Can / ask / never for each preset, with and without a narrowing persona, and with grants:
// the inputs are L5's modes as policy.get_modes reports them, built here from the same tables.
import { describe, expect, it } from 'vitest';
import {
  capabilities,
  capabilityNames,
  type EffectiveModes,
  type GrantView,
} from '../bus/index.ts';
import { columnsOf } from './columns.ts';

type Mode = 'auto' | 'ask' | 'draft-only' | 'deny';
const BY_RISK: Record<string, Record<string, Mode>> = {
  observer: { low: 'auto', medium: 'ask', high: 'deny', critical: 'deny' },
  assistant: { low: 'auto', medium: 'ask', high: 'ask', critical: 'ask' },
  operator: { low: 'auto', medium: 'auto', high: 'ask', critical: 'ask' },
  'power-user': { low: 'auto', medium: 'auto', high: 'auto', critical: 'ask' },
};
const narrower = (a: Mode, b: Mode): Mode => {
  const order: Mode[] = ['deny', 'draft-only', 'ask', 'auto'];
  return order[Math.min(order.indexOf(a), order.indexOf(b))];
};

function modes(
  preset: string,
  persona?: Partial<Record<string, Mode>>,
  posture: EffectiveModes['posture'] = 'balanced',
): EffectiveModes {
  return {
    preset,
    posture,
    workspace: '/home/ada/work',
    auditHealthy: true,
    persona: persona ? { id: 'pip', signed: false } : null,
    capabilities: capabilityNames.map((capability) => {
      const { risk, label } = capabilities[capability];
      const presetMode = BY_RISK[preset][risk];
      const personaMode = persona?.[capability] ?? null;
      const mode = personaMode ? narrower(presetMode, personaMode) : presetMode;
      const remote = ['router.remote', 'router.remote_with_private', 'web.fetch'];
      const blockedBy =
        posture === 'local-only' && remote.includes(capability)
          ? ('posture-local-only' as const)
          : null;
      return { capability, label, risk, presetMode, personaMode, mode, blockedBy };
    }),
  };
}

const opts = { now: 1_800_000_000_000, home: '/home/ada' };
const caps = (lines: { capability: string }[]) => lines.map((l) => l.capability);

function grant(over: Partial<GrantView>): GrantView {
  return {
    id: 'g1',
    capability: 'files.read',
    scope: '/home/ada/Notes',
    effect: 'allow',
    duration: 'persistent',
    usesLeft: null,
    expiresAt: null,
    createdAt: opts.now - 1000,
    revokedAt: null,
    actor: 'user',
    lastUsedAt: null,
    timesUsed: 0,
    ...over,
  };
}

describe('can / ask / never', () => {
  it('observer: low risk only (the clipboard, update checks), high and critical never, medium asks', () => {
    const c = columnsOf(modes('observer'), [], opts);
    expect(caps(c.can)).toEqual(['clipboard.write', 'app.update']);
    expect(caps(c.never)).toEqual(
      expect.arrayContaining(['files.write', 'process.exec', 'policy.admin', 'hard-block']),
    );
    expect(caps(c.ask)).toEqual(
      expect.arrayContaining(['files.read', 'web.fetch', 'router.remote']),
    );
    expect(caps(c.ask)).not.toContain('files.write');
  });

  it('assistant: asks for everything but low risk; only the hard blocks are never', () => {
    const c = columnsOf(modes('assistant'), [], opts);
    expect(caps(c.never)).toEqual(['hard-block']);
    expect(caps(c.ask)).toEqual(
      expect.arrayContaining(['files.write', 'process.exec', 'policy.admin']),
    );
    expect(c.ask.find((l) => l.capability === 'policy.admin')!.why).toMatch(
      /Critical: a person says yes every time/,
    );
  });

  it('operator: medium-risk file actions are automatic inside the workspace only, and ask outside it', () => {
    const c = columnsOf(modes('operator'), [], opts);
    const read = c.can.find((l) => l.capability === 'files.read')!;
    expect(read.text).toBe('Read a file in your workspace (~/work)');
    expect(read.why).toMatch(/Operator preset lets Aether do this \(medium risk\)/);
    expect(c.ask.find((l) => l.capability === 'files.read')!.text).toBe(
      'Read a file outside ~/work',
    );
    expect(caps(c.ask)).toContain('files.write');
  });

  it('power user: high-risk actions are automatic, critical still asks', () => {
    const c = columnsOf(modes('power-user'), [], opts);
    expect(caps(c.can)).toEqual(expect.arrayContaining(['process.exec', 'files.delete']));
    expect(caps(c.ask)).toContain('policy.admin');
    expect(caps(c.can)).not.toContain('policy.admin');
  });

  it('a narrowing persona moves capabilities to ask or never and says so', () => {
    const c = columnsOf(modes('operator', { 'files.read': 'ask', 'web.fetch': 'deny' }), [], opts);
    expect(caps(c.can)).not.toContain('files.read');
    const read = c.ask.find((l) => l.capability === 'files.read')!;
    expect(read.why).toMatch(/the pip persona narrows it to "ask"/);
    expect(c.never.find((l) => l.capability === 'web.fetch')!.why).toMatch(/narrows it to "deny"/);
  });

  it('the local-only posture puts every remote capability under never', () => {
    const c = columnsOf(modes('power-user', undefined, 'local-only'), [], opts);
    for (const cap of ['router.remote', 'router.remote_with_private', 'web.fetch'])
      expect(c.never.find((l) => l.capability === cap)!.why).toMatch(/privacy posture/);
  });

  it('an allow grant for something that asks is a "can" line with its scope, duration and uses', () => {
    const g = grant({ duration: 'until', expiresAt: opts.now + 3_600_000, usesLeft: 3 });
    const c = columnsOf(modes('assistant'), [g], opts);
    const line = c.can.find((l) => l.grantId === 'g1')!;
    expect(line.text).toBe('Read a file: ~/Notes');
    expect(line.why).toMatch(/^You allowed it until \d{4}-\d\d-\d\d \d\d:\d\d UTC, 3 uses left\.$/);
  });

  it('a deny grant is a "never" line; revoked grants and grants for critical actions show nowhere', () => {
    const c = columnsOf(
      modes('assistant'),
      [
        grant({ id: 'no', effect: 'deny', capability: 'process.exec', scope: 'rm' }),
        grant({ id: 'old', revokedAt: opts.now - 10 }),
        grant({ id: 'admin', capability: 'policy.admin', scope: 'anything' }),
      ],
      opts,
    );
    expect(c.never.find((l) => l.grantId === 'no')!.why).toBe('You said no always.');
    const ids = [...c.can, ...c.ask, ...c.never].map((l) => l.grantId);
    expect(ids).not.toContain('old');
    expect(ids).not.toContain('admin');
  });

  it('an allow grant for a capability the preset already allows adds no line', () => {
    const c = columnsOf(
      modes('power-user'),
      [grant({ capability: 'process.exec', scope: 'ls' })],
      opts,
    );
    expect(c.can.some((l) => l.grantId === 'g1')).toBe(false);
  });
});
