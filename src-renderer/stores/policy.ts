// Approvals waiting for the user, grants, the audit log view and the gate's health. The host
// decides everything; this keeps what the events and commands report.
import type { Approval, AuditRowView, GrantView } from '../../engines/bus/index.ts';
import { say, type AetherClient } from '../ipc/client.ts';
import { boundStore, coalesce, type Slice } from './bound.ts';

export type VerifyView = { ok: boolean; message: string; seq?: number | null };

type State = PolicyState;

export type PolicyState = {
  pending: Approval[];
  grants: GrantView[];
  audit: AuditRowView[];
  auditFilter: string;
  verify: VerifyView | null;
  verifying: boolean;
  auditHealthy: boolean;
  auditProblem: string | null;
  keyWarning: string | null;
  notice: string | null;
  explained: Record<number, string>;
  load(): Promise<void>;
  reload(): Promise<void>;
  respond(
    approval: Approval,
    answer: 'allow' | 'deny' | 'draft',
    choice?: {
      scopeOption?: string;
      customScope?: string;
      duration?: 'once' | 'task' | 'session' | 'hour' | 'day' | 'always';
      uses?: number;
      variant?: 'without-private';
    },
  ): Promise<void>;
  added(approval: Approval): void;
  resolved(ticketId: string): void;
  refreshGrants(): Promise<void>;
  revoke(id: string): Promise<void>;
  revokeAll(): Promise<void>;
  revokeCapability(capability: string): Promise<void>;
  refreshAudit(): Promise<void>;
  setFilter(decision: string): Promise<void>;
  runVerify(): Promise<void>;
  exportAudit(): Promise<void>;
  explain(seq: number): Promise<void>;
  health(healthy: boolean, problem: string | null): void;
};

const approvals: Slice<State, 'pending' | 'respond' | 'added' | 'resolved'> = (
  client,
  set,
  get,
) => ({
  pending: [],
  async respond(approval, answer, choice = {}) {
    try {
      const r = await client.invoke('policy.respond_approval', {
        ticketId: approval.ticketId,
        requestHash: approval.requestHash,
        answer,
        duration: choice.duration ?? 'once',
        scopeOption: choice.scopeOption,
        customScope: choice.customScope,
        uses: choice.uses,
        variant: choice.variant,
      });
      if (!r.accepted)
        set({ notice: `That answer was not accepted: ${r.reason ?? 'unknown reason'}` });
    } catch (error) {
      set({ notice: say(error) });
    }
    get().resolved(approval.ticketId);
  },
  added: (approval) =>
    set({
      pending: [...get().pending.filter((a) => a.ticketId !== approval.ticketId), approval],
    }),
  resolved: (ticketId) => set({ pending: get().pending.filter((a) => a.ticketId !== ticketId) }),
});

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

const grants: Slice<
  State,
  'grants' | 'refreshGrants' | 'revoke' | 'revokeAll' | 'revokeCapability'
> = (client, set, get) => ({
  grants: [],
  async refreshGrants() {
    set({ grants: (await client.invoke('policy.list_grants', {})).grants });
  },
  async revoke(id) {
    await client.invoke('policy.revoke_grant', { id });
    await get().refreshGrants();
  },
  async revokeCapability(capability) {
    await client.invoke('policy.revoke_capability', { capability });
    await get().refreshGrants();
  },
  async revokeAll() {
    const r = await client.invoke('policy.revoke_all', {});
    const what = `${plural(r.revoked, 'grant')} and stopped ${plural(r.cancelled, 'action')}`;
    set({ notice: `Revoked ${what} in ${Math.round(r.ms)} ms.` });
    await get().refreshGrants();
  },
});

type AuditKeys = 'audit' | 'auditFilter' | 'verify' | 'verifying' | 'explained';
const auditLog: Slice<
  State,
  AuditKeys | 'refreshAudit' | 'setFilter' | 'runVerify' | 'exportAudit' | 'explain'
> = (client, set, get) => ({
  audit: [],
  auditFilter: '',
  verify: null,
  verifying: false,
  explained: {},
  async refreshAudit() {
    const decision = get().auditFilter || undefined;
    set({ audit: (await client.invoke('policy.list_audit', { limit: 200, decision })).rows });
  },
  async setFilter(decision) {
    set({ auditFilter: decision });
    await get().refreshAudit();
  },
  async runVerify() {
    set({ verifying: true });
    try {
      const r = await client.invoke('policy.verify_audit', {});
      set({ verify: { ok: r.ok, message: r.message, seq: r.seq } });
    } finally {
      set({ verifying: false });
    }
  },
  async exportAudit() {
    const outcome = await client.invoke('policy.export_audit', {});
    set({
      notice:
        outcome.status === 'done'
          ? `Exported to ${(outcome.result as { output: string }).output}`
          : outcome.explanation,
    });
  },
  async explain(seq) {
    const { text } = await client.invoke('policy.explain', { seq });
    set({ explained: { ...get().explained, [seq]: text } });
  },
});

const gate: Slice<
  State,
  'auditHealthy' | 'auditProblem' | 'keyWarning' | 'notice' | 'load' | 'reload' | 'health'
> = (client, set, get) => ({
  auditHealthy: true,
  auditProblem: null,
  keyWarning: null,
  notice: null,
  reload: () => get().load(),
  async load() {
    const [{ approvals }, state] = await Promise.all([
      client.invoke('policy.list_pending', {}),
      client.invoke('policy.get_state', {}),
    ]);
    const { auditHealthy, auditProblem, keyWarning } = state;
    set({ pending: approvals, auditHealthy, auditProblem, keyWarning });
    await Promise.all([get().refreshGrants(), get().refreshAudit()]);
  },
  health: (healthy, problem) => set({ auditHealthy: healthy, auditProblem: problem }),
});

export function createPolicyStore(client: AetherClient) {
  return boundStore<State>(
    (set, get) => ({
      ...gate(client, set, get),
      ...approvals(client, set, get),
      ...grants(client, set, get),
      ...auditLog(client, set, get),
    }),
    (get) => {
      // Audit rows come in bursts (decision, approval, outcome): refresh the list once per burst.
      const audit = coalesce(150, () => void get().refreshAudit());
      return [
        client.on('policy.approval_pending', (e) => get().added(e.payload.approval)),
        client.on('policy.approval_resolved', (e) => get().resolved(e.payload.ticketId)),
        client.on('policy.grants_changed', () => void get().refreshGrants()),
        client.on('policy.health_changed', ({ payload: p }) =>
          get().health(p.auditHealthy, p.problem),
        ),
        client.on('policy.audit_appended', audit.schedule),
        audit.cancel,
      ];
    },
  );
}
