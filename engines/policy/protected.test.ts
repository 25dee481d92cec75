// The table of what is protected, one case per entry: inside each protected place, no file action
// and no program argument is allowed, under the most permissive preset, however it is spelled.
import { mkdirSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CapabilityName } from '../bus/index.ts';
import { evaluate, type PolicyState } from './evaluate.ts';
import { GrantIndex } from './grants.ts';
import { hardBlocks, PROTECTED } from './protected.ts';
import { canonicalize } from './request.ts';

const top = realpathSync(mkdtempSync(join(tmpdir(), 'aether-protected-')));
const [dataDir, home, bundled, workspace] = ['data', 'home', 'bundled', 'home/ws'].map((p) =>
  join(top, p),
);
for (const d of [dataDir, home, bundled, workspace]) mkdirSync(d, { recursive: true });

const state: PolicyState = {
  preset: { name: 'power-user' },
  auditProblem: null,
  posture: 'open',
  hardBlocks: hardBlocks(dataDir, bundled, home),
  workspaceRoots: [workspace, top],
  costCapHit: () => false,
  grants: new GrantIndex(),
  context: { now: 0, sessionId: 's', taskId: null, personaId: null },
};
const decide = (capability: CapabilityName, target: string, input?: string) => {
  const c = canonicalize({ capability, target, input, actor: 'user', why: '' }, workspace);
  return evaluate(
    { capability, resource: c.resource, escalate: c.escalate, escalateReason: c.escalateReason },
    state,
  ).reason;
};

const places = [
  ...PROTECTED.data.map((p) => join(dataDir, p)),
  ...PROTECTED.home.map((p) => join(home, p)),
  ...PROTECTED.system,
];

describe('protected places', () => {
  it.each(places)(
    '%s: files and program arguments are refused, the place and anything in it',
    (place) => {
      for (const target of [place, join(place, 'x')]) {
        expect(decide('files.read', target), target).toBe('hard-block');
        expect(decide('files.write', target, 'x')).toBe('hard-block');
        expect(decide('files.delete', target)).toBe('hard-block');
        expect(decide('process.exec', `cat ${target}`)).toBe('hard-block');
        expect(decide('process.exec', `grep --file=${target} notes`)).toBe('hard-block');
      }
    },
  );

  it.each(PROTECTED.trust)(
    '%s under either persona folder is refused to files by name, and programs may not touch the folders',
    (name) => {
      for (const root of [join(dataDir, 'personas'), bundled]) {
        expect(decide('files.write', join(root, 'any', name), 'x')).toBe('hard-block');
        expect(decide('files.write', join(root, name), 'x')).toBe('hard-block');
        expect(decide('process.exec', `cp a ${join(root, 'any', 'persona.yaml')}`)).toBe(
          'hard-block',
        );
      }
      // A pack's own YAML stays editable (through persona.save, or an approved write).
      expect(decide('files.write', join(dataDir, 'personas', 'any', 'persona.yaml'), 'x')).not.toBe(
        'hard-block',
      );
    },
  );
});
