// Autonomy presets: how each risk class is handled by default. `custom` starts from assistant
// and overrides capabilities one by one.
import type { Capability, Risk } from './catalog.ts';

export const modes = ['auto', 'ask', 'draft-only', 'deny'] as const;
export type Mode = (typeof modes)[number];

// From the most careful to the least: a persona's mode narrows or widens the preset's by this order.
const STRICTNESS: Mode[] = ['deny', 'draft-only', 'ask', 'auto'];
export const isWider = (a: Mode, than: Mode): boolean =>
  STRICTNESS.indexOf(a) > STRICTNESS.indexOf(than);
export const narrower = (a: Mode, b: Mode): Mode => (isWider(a, b) ? b : a);

export const presetNames = ['observer', 'assistant', 'operator', 'power-user', 'custom'] as const;
export type PresetName = (typeof presetNames)[number];

const BY_RISK: Record<Exclude<PresetName, 'custom'>, Record<Risk, Mode>> = {
  observer: { low: 'auto', medium: 'ask', high: 'deny', critical: 'deny' },
  assistant: { low: 'auto', medium: 'ask', high: 'ask', critical: 'ask' },
  operator: { low: 'auto', medium: 'auto', high: 'ask', critical: 'ask' },
  'power-user': { low: 'auto', medium: 'auto', high: 'auto', critical: 'ask' },
};

export type PresetConfig = { name: PresetName; overrides?: Partial<Record<Capability, Mode>> };

export function modeFor(preset: PresetConfig, capability: Capability, risk: Risk): Mode {
  const base = BY_RISK[preset.name === 'custom' ? 'assistant' : preset.name][risk];
  const mode = (preset.name === 'custom' ? preset.overrides?.[capability] : undefined) ?? base;
  // Critical actions always need a person, whatever a custom preset says.
  return risk === 'critical' && mode === 'auto' ? 'ask' : mode;
}

/** The least autonomous preset that would not deny this; for "needs-upgrade" answers. */
export function presetAllowing(capability: Capability, risk: Risk): PresetName | null {
  for (const name of ['observer', 'assistant', 'operator', 'power-user'] as const) {
    if (modeFor({ name }, capability, risk) !== 'deny') return name;
  }
  return null;
}
