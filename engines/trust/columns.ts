// Can do · will ask · will never do: what the gate would decide for each capability, in plain
// words with its scope and the reason (preset → persona → grant). A pure function of L5's
// effective modes and the live grants; L5 decides, this only says it.
import type { EffectiveModes, GrantView, TrustLine } from '../bus/index.ts';
import { durationWords, shortPath } from './words.ts';

export type Columns = { can: TrustLine[]; ask: TrustLine[]; never: TrustLine[] };

type Entry = EffectiveModes['capabilities'][number];

const PRESET_WORDS: Record<string, string> = {
  observer: 'Observer',
  assistant: 'Assistant',
  operator: 'Operator',
  'power-user': 'Power user',
  custom: 'Custom',
};

/** What every preset and grant leaves out: L5's hard blocks (ARCHITECTURE §5). */
export const ALWAYS_NEVER: TrustLine = {
  capability: 'hard-block',
  text: 'Touch its own keys and audit data, your SSH and GPG keys, or system secrets',
  why: 'These are blocked for every preset, persona and grant.',
  grantId: null,
};

function presetWhy(m: EffectiveModes, e: Entry): string {
  const preset = `Your ${PRESET_WORDS[m.preset] ?? m.preset} preset`;
  const base =
    e.presetMode === 'auto'
      ? `${preset} lets Aether do this (${e.risk} risk)`
      : e.presetMode === 'deny'
        ? `${preset} rules this out (${e.risk} risk)`
        : e.presetMode === 'draft-only'
          ? `${preset} allows only drafts of this`
          : `${preset} asks first for ${e.risk}-risk actions`;
  if (!m.persona || !e.personaMode || e.personaMode === e.presetMode) return `${base}.`;
  const how = m.persona.signed ? 'sets' : 'narrows';
  return `${base}; the ${m.persona.id} persona ${how} it to "${e.personaMode}".`;
}

function modeLine(m: EffectiveModes, e: Entry): { column: keyof Columns; line: TrustLine } {
  const line = (text: string, why: string) => ({
    capability: e.capability,
    text,
    why,
    grantId: null,
  });
  if (e.blockedBy === 'audit-unavailable')
    return {
      column: 'never',
      line: line(e.label, 'The audit log is broken: nothing runs until it is fixed.'),
    };
  if (e.blockedBy === 'posture-local-only')
    return {
      column: 'never',
      line: line(e.label, 'Your privacy posture keeps everything on this computer.'),
    };
  const why = presetWhy(m, e);
  if (e.mode === 'deny') return { column: 'never', line: line(e.label, why) };
  if (e.mode === 'draft-only') return { column: 'ask', line: line(`${e.label} (as a draft)`, why) };
  if (e.mode === 'ask' || e.risk === 'critical')
    return {
      column: 'ask',
      line: line(
        e.label,
        e.risk === 'critical' ? `${why} Critical: a person says yes every time.` : why,
      ),
    };
  return { column: 'can', line: line(e.label, why) };
}

/** Automatic file actions stay inside the workspace: elsewhere the same capability asks. */
function scoped(m: EffectiveModes, e: Entry, line: TrustLine, home: string): TrustLine[] {
  if (!e.capability.startsWith('files.')) return [line];
  const where = shortPath(m.workspace, home);
  return [
    { ...line, text: `${line.text} in your workspace (${where})` },
    {
      ...line,
      text: `${line.text} outside ${where}`,
      why: 'Automatic only inside the workspace; elsewhere Aether asks.',
    },
  ];
}

function grantLine(g: GrantView, label: string, now: number, home: string): TrustLine {
  const uses = g.usesLeft === null ? '' : `, ${g.usesLeft} use${g.usesLeft === 1 ? '' : 's'} left`;
  const scope = shortPath(g.scope, home);
  return {
    capability: g.capability,
    text: `${label}: ${scope}`,
    why: `${g.effect === 'deny' ? 'You said no' : 'You allowed it'} ${durationWords(g, now)}${uses}.`,
    grantId: g.id,
  };
}

export function columnsOf(
  m: EffectiveModes,
  grants: readonly GrantView[],
  options: { now: number; home: string },
): Columns {
  const out: Columns = { can: [], ask: [], never: [] };
  const labels = new Map(m.capabilities.map((e) => [e.capability, e]));
  for (const e of m.capabilities) {
    const { column, line } = modeLine(m, e);
    if (column === 'can') {
      const [inside, outside] = scoped(m, e, line, options.home);
      out.can.push(inside);
      if (outside) out.ask.push(outside);
    } else out[column].push(line);
  }
  for (const g of grants) {
    const e = labels.get(g.capability);
    if (g.revokedAt !== null || !e) continue;
    // A grant only answers what would otherwise ask; critical actions always ask.
    if (g.effect === 'allow' && (e.mode !== 'ask' || e.risk === 'critical' || e.blockedBy))
      continue;
    const target = g.effect === 'deny' ? out.never : out.can;
    target.push(grantLine(g, e.label, options.now, options.home));
  }
  out.never.push(ALWAYS_NEVER);
  return out;
}
