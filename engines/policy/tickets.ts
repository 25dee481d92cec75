// Approval tickets: issued by the host for one exact request, answered once. The answer must
// name the ticket and the request's hash; a forged, replayed, expired or mismatched answer is
// refused (and the caller audits it).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Approval, Clock, TimerHandle } from '../bus/index.ts';

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
  timer: TimerHandle;
};

export class Tickets {
  private open = new Map<string, Open>();
  private readonly timeoutMs: number;

  private readonly clock: Clock;

  constructor(timeoutMs: number, clock: Clock) {
    this.timeoutMs = timeoutMs;
    this.clock = clock;
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
    const expire = () => this.close(ticketId, { answer: 'expired' });
    const timer = this.clock.setTimeout(expire, this.timeoutMs, { background: true });
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
    this.clock.clearTimeout(ticket.timer);
    ticket.settle(settled);
  }
}
