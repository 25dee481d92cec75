// A signed persona may widen what the preset allows, but only once the user said yes to exactly
// that pack (by its compiled hash): until then its modes only narrow. The trust list it is checked
// against is L5's to change (policy.change trust_persona_key), and hard-blocked for every executor.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { AetherError, type ActionRequest } from '../bus/index.ts';
import { catalog, isCapability } from './catalog.ts';
import type { PolicyState } from './evaluate.ts';
import { isWider, modeFor, type Mode, type PresetConfig } from './presets.ts';

export type PersonaPolicy = {
  id: string;
  hash: string;
  modes: Record<string, Mode>;
  signed: boolean;
  signer: string | null;
};

/** "files.write: ask → auto" for every mode the pack sets wider than the preset. */
export function widenedModes(modes: Record<string, Mode>, preset: PresetConfig): string[] {
  return Object.entries(modes).flatMap(([capability, wanted]) => {
    if (!isCapability(capability)) return [];
    const base = modeFor(preset, capability, catalog[capability].risk);
    return isWider(wanted, base) ? [`${capability}: ${base} → ${wanted}`] : [];
  });
}

type Settings = { get<T>(key: string): T | undefined; set(key: string, value: unknown): void };
const CONFIRMED = 'policy.persona_widening_confirmed';

export function createPersonaTrust(settings: Settings, preset: () => PresetConfig) {
  let active: PersonaPolicy | null = null;
  const confirmed = () => settings.get<string[]>(CONFIRMED) ?? [];
  return {
    /** The modes evaluate applies now. */
    modes(): PolicyState['persona'] {
      if (!active) return undefined;
      const widens = active.signed && widenedModes(active.modes, preset()).length > 0;
      return {
        modes: active.modes,
        signed: active.signed && (!widens || confirmed().includes(active.hash)),
      };
    },
    personaId: () => active?.id ?? null,
    /**
     * Takes the persona just activated. `confirm`: the request that asks the user to let it widen;
     * `applied`: what it widens on an earlier yes (worth an audit row each time it goes live).
     */
    activate(next: PersonaPolicy): { confirm: ActionRequest | null; applied: string[] } {
      active = next;
      const widened = next.signed ? widenedModes(next.modes, preset()) : [];
      if (widened.length === 0 || confirmed().includes(next.hash))
        return { confirm: null, applied: widened };
      return {
        applied: [],
        confirm: {
          capability: 'policy.admin',
          actor: `persona:${next.id}`,
          target: `let persona ${next.id} (signed by ${next.signer ?? 'unknown'}) widen ${widened.join(', ')}`,
          input: { op: 'confirm_persona_widening', id: next.id, hash: next.hash },
          why: 'a signed persona asks for more than your preset allows',
        },
      };
    },
    /** policy.admin's part: the user said yes to this pack's widening. */
    confirm(hash: string): void {
      if (!confirmed().includes(hash)) settings.set(CONFIRMED, [...confirmed(), hash]);
    },
  };
}

/** Adds a key to the user's trust list (policy.admin, after the user said yes). */
export function trustKey(file: string, name: string, publicKey: string): void {
  if (!/^[0-9a-f]{64}$/.test(publicKey))
    throw new AetherError('BadRequest', 'a persona key is 64 hex characters');
  let list: Array<{ name: string; publicKey: string }> = [];
  if (existsSync(file)) {
    try {
      list = JSON.parse(readFileSync(file, 'utf8')) as typeof list;
    } catch {
      throw new AetherError('StorageFailed', `${file} is not a readable trust list`);
    }
  }
  if (!list.some((k) => k.publicKey === publicKey)) list.push({ name, publicKey });
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.partial`, JSON.stringify(list, null, 2), { mode: 0o600 });
  chmodSync(`${file}.partial`, 0o600);
  renameSync(`${file}.partial`, file);
}

export type PersonaTrust = ReturnType<typeof createPersonaTrust>;
