// Approval tickets: issued by the host for one exact request, answered once. The answer must
// name the ticket and the request's hash; a forged, replayed, expired or mismatched answer is
// refused (and the caller audits it).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Approval } from '../bus/index.ts';

export type Answer = {
  answer: 'allow' | 'deny' | 'draft';
  scopeOption?: string;
  customScope?: string;
  duration: 'once' | 'task' | 'session' | 'hour' | 'day' | 'always';
  uses?: number;
  variant?: 'without-private';
};
export type Settled = Answer | { answer: 'expired' | 'cancelled' };

type Open = {
  approval: Approval;
  turnId: string | null;
  settle: (a: Settled) => void;
  timer: NodeJS.Timeout;
};

export class Tickets {
  private open = new Map<string, Open>();
  private readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    this.timeoutMs = timeoutMs;
  }

  issue(
    make: (ticketId: string, expiresAt: number) => Approval,
    now: number,
    turnId: string | null = null,
  ): { approval: Approval; answer: Promise<Settled> } {
    const ticketId = randomBytes(16).toString('hex');
    const approval = make(ticketId, now + this.timeoutMs);
    let settle!: (a: Settled) => void;
    const answer = new Promise<Settled>((resolve) => {
      settle = resolve;
    });
    const timer = setTimeout(() => this.close(ticketId, { answer: 'expired' }), this.timeoutMs);
    timer.unref();
    this.open.set(ticketId, { approval, turnId, settle, timer });
    return { approval, answer };
  }

  /** Null when accepted; otherwise why the answer was refused. */
  answer(ticketId: string, requestHash: string, answer: Answer): string | null {
    const ticket = this.open.get(ticketId);
    if (!ticket) return 'no such open approval (forged, already answered, or expired)';
    const a = Buffer.from(ticket.approval.requestHash);
    const b = Buffer.from(requestHash);
    if (a.length !== b.length || !timingSafeEqual(a, b))
      return 'the answer does not match the request it claims to answer';
    this.close(ticketId, answer);
    return null;
  }

  pending(): Approval[] {
    return [...this.open.values()].map((t) => t.approval);
  }

  /** Cancels every open approval, or those of one turn (the user stopped it). */
  cancelAll(turnId?: string): number {
    const ids = [...this.open]
      .filter(([, t]) => turnId === undefined || t.turnId === turnId)
      .map(([id]) => id);
    for (const id of ids) this.close(id, { answer: 'cancelled' });
    return ids.length;
  }

  private close(ticketId: string, settled: Settled): void {
    const ticket = this.open.get(ticketId);
    if (!ticket) return;
    this.open.delete(ticketId);
    clearTimeout(ticket.timer);
    ticket.settle(settled);
  }
}
