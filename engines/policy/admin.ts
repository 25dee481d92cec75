// The executors L5 owns: what policy.change does once a person said yes, and the audit export.
import { join } from 'node:path';
import { AetherError, type AdminChange, type ToolExecutor } from '../bus/index.ts';
import { rotateKey, type KeyVault } from './audit/keys.ts';
import type { Ledger } from './audit/ledger.ts';
import type { CostLedger } from './costs.ts';
import { trustKey, type createPersonaTrust } from './persona-trust.ts';
import { checkWorkspace, type WorkspaceFolder } from './workspace.ts';

type AdminDeps = {
  settings: { set(key: string, value: unknown): void };
  costs: CostLedger;
  ledger: Ledger;
  trust: ReturnType<typeof createPersonaTrust>;
  keyVault: KeyVault;
  dataDir: string;
  newId: () => string;
  workspace: WorkspaceFolder;
};

export function adminExecutor(d: AdminDeps): ToolExecutor<'policy.admin'> {
  return async (req) => {
    const change = req.input;
    if (!change) throw new AetherError('BadRequest', 'no change given');
    apply(d, change);
    return { summary: `changed policy: ${describeChange(change)}`, output: '' };
  };
}

function apply(d: AdminDeps, change: AdminChange): void {
  switch (change.op) {
    case 'set_preset':
      return d.settings.set('policy.preset', { name: change.preset });
    case 'set_posture':
      return d.settings.set('policy.posture', change.posture);
    case 'set_cost_caps': {
      const { provider, dailyCents, monthlyCents, dailyTokens, monthlyTokens } = change;
      return d.costs.setCaps(provider, { dailyCents, monthlyCents, dailyTokens, monthlyTokens });
    }
    case 'rearm_cost_cap':
      d.costs.rearm(change.provider);
      return;
    case 'rotate_audit_key':
      return d.ledger.useKeyring(rotateKey(d.keyVault, d.ledger.currentKeyring), d.newId());
    case 'trust_persona_key':
      return trustKey(
        join(d.dataDir, 'personas', 'trusted-keys.json'),
        change.name,
        change.publicKey,
      );
    case 'set_workspace': {
      // Checked again here: the folder may have gone while the card waited.
      const real = checkWorkspace(change.path, d.dataDir);
      d.settings.set('policy.workspace', real);
      return d.workspace.set(real);
    }
    case 'confirm_persona_widening':
      return d.trust.confirm(change.hash);
  }
}

/** Exporting the log is an action like any other: it goes through the gate, and is audited. */
export function exportAuditExecutor(ledger: Ledger): ToolExecutor<'audit.export'> {
  return async (req) => {
    const { rows } = ledger.exportTo(req.path!);
    return {
      summary: `exported ${rows} audit rows, the checkpoints and the public key to ${req.path}`,
      output: req.path!,
    };
  };
}

export function describeChange(change: { op: string; [k: string]: unknown }): string {
  const { op, ...rest } = change;
  const args = Object.entries(rest)
    .map(([k, v]) => `${k}=${v === null ? 'none' : String(v)}`)
    .join(' ');
  return args ? `${op} ${args}` : op;
}
