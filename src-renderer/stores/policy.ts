// Approvals waiting for the user, grants, the audit log view and the gate's health. The host
// decides everything; this keeps what the events and commands report.
import { create } from 'zustand';
import type { Approval, AuditRowView, GrantView } from '../../engines/bus/index.ts';
import { client, ClientError } from '../ipc/client.ts';

export type VerifyView = { ok: boolean; message: string; seq?: number | null };

type PolicyState = {
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
  refreshAudit(): Promise<void>;
  setFilter(decision: string): Promise<void>;
  runVerify(): Promise<void>;
  exportAudit(): Promise<void>;
  explain(seq: number): Promise<void>;
  health(healthy: boolean, problem: string | null): void;
};

export const usePolicy = create<PolicyState>((set, get) => ({
  pending: [],
  grants: [],
  audit: [],
  auditFilter: '',
  verify: null,
  verifying: false,
  auditHealthy: true,
  auditProblem: null,
  keyWarning: null,
  notice: null,
  explained: {},
  async load() {
    const [{ approvals }, state] = await Promise.all([
      client.invoke('policy.list_pending', {}),
      client.invoke('policy.get_state', {}),
    ]);
    set({
      pending: approvals,
      auditHealthy: state.auditHealthy,
      auditProblem: state.auditProblem,
      keyWarning: state.keyWarning,
    });
    await Promise.all([get().refreshGrants(), get().refreshAudit()]);
  },
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
      set({ notice: error instanceof ClientError ? error.message : String(error) });
    }
    get().resolved(approval.ticketId);
  },
  added: (approval) =>
    set({ pending: [...get().pending.filter((a) => a.ticketId !== approval.ticketId), approval] }),
  resolved: (ticketId) => set({ pending: get().pending.filter((a) => a.ticketId !== ticketId) }),
  async refreshGrants() {
    set({ grants: (await client.invoke('policy.list_grants', {})).grants });
  },
  async revoke(id) {
    await client.invoke('policy.revoke_grant', { id });
    await get().refreshGrants();
  },
  async revokeAll() {
    const r = await client.invoke('policy.revoke_all', {});
    set({
      notice: `Revoked ${r.revoked} grant${r.revoked === 1 ? '' : 's'} and stopped ${r.cancelled} action${r.cancelled === 1 ? '' : 's'} in ${Math.round(r.ms)} ms.`,
    });
    await get().refreshGrants();
  },
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
  health: (healthy, problem) => set({ auditHealthy: healthy, auditProblem: problem }),
}));
