// Routes the host's events into the column stores. Domain state lives in the host; the
// stores only mirror what the events say.
import { client } from '../ipc/client.ts';
import { useChat } from './chat.ts';
import { useConversations } from './conversations.ts';
import { useInspector } from './inspector.ts';
import { useMemory } from './memory.ts';
import { usePersona } from './persona.ts';
import { useModels } from './models.ts';
import { usePolicy } from './policy.ts';

// Audit rows come in bursts (decision, approval, outcome): refresh the list once per burst.
let auditTimer: ReturnType<typeof setTimeout> | null = null;
function scheduleAuditRefresh(): void {
  auditTimer ??= setTimeout(() => {
    auditTimer = null;
    void usePolicy.getState().refreshAudit();
  }, 150);
}

let memoryTimer: ReturnType<typeof setTimeout> | null = null;
function scheduleMemoryRefresh(): void {
  memoryTimer ??= setTimeout(() => {
    memoryTimer = null;
    void useMemory.getState().refresh();
  }, 150);
}

export function wireEvents(): () => void {
  const inspector = useInspector.getState;
  return client.onEvent((event) => {
    switch (event.name) {
      case 'turn.state_changed':
        inspector().set({ turnState: event.payload.state });
        break;
      case 'presence.state_changed':
        inspector().set({ presence: event.payload.state });
        break;
      case 'router.status_changed':
        inspector().set({ router: event.payload });
        break;
      case 'persona.activated':
        inspector().set({ persona: event.payload });
        if (usePersona.getState().personas.length) void usePersona.getState().refresh();
        break;
      case 'persona.failed':
        usePersona.getState().failed(event.payload.id, event.payload.error);
        break;
      case 'chat.turn_started':
        useChat.getState().turnStarted(event.payload.turn);
        inspector().set({ ttftMs: null, tokens: 0, tokensPerSecond: null, firstTokenAt: null });
        break;
      case 'router.tool_call': {
        const { turnId, step: _index, status, ...step } = event.payload;
        if (status !== 'proposed') useChat.getState().step(turnId, { ...step, status });
        break;
      }
      case 'router.route_decided':
        inspector().set({ route: event.payload });
        break;
      case 'router.generation_started':
        inspector().set({ model: event.payload.model });
        break;
      case 'router.first_token':
        inspector().set({ ttftMs: event.payload.ttftMs, firstTokenAt: event.at });
        break;
      case 'router.token': {
        useChat.getState().token(event.payload.turnId, event.payload.text);
        const { firstTokenAt } = inspector();
        const tokens = event.payload.index + 1;
        const elapsed = firstTokenAt === null ? 0 : event.at - firstTokenAt;
        inspector().set({
          tokens,
          tokensPerSecond: elapsed > 0 ? ((tokens - 1) * 1000) / elapsed : null,
        });
        break;
      }
      case 'chat.turn_finished': {
        const { turn } = event.payload;
        useChat.getState().turnFinished(turn);
        if (turn.tokensPerSecond !== null)
          inspector().set({ tokensPerSecond: turn.tokensPerSecond, tokens: turn.tokens });
        break;
      }
      case 'chat.conversations_changed':
        void useConversations.getState().refresh();
        break;
      case 'policy.approval_pending':
        usePolicy.getState().added(event.payload.approval);
        break;
      case 'policy.approval_resolved':
        usePolicy.getState().resolved(event.payload.ticketId);
        break;
      case 'policy.grants_changed':
        void usePolicy.getState().refreshGrants();
        break;
      case 'policy.audit_appended':
        scheduleAuditRefresh();
        break;
      case 'models.download_progress':
        useModels.getState().progress(event.payload.id, event.payload);
        break;
      case 'models.download_finished':
        useModels.getState().finished(event.payload.id, event.payload.ok, event.payload.error);
        break;
      case 'chat.memory_used':
        inspector().set({ memories: event.payload.items });
        break;
      case 'memory.changed':
        scheduleMemoryRefresh();
        break;
      case 'memory.extraction_failed':
        inspector().set({
          memoryProblems: [
            { ...event.payload, at: Date.now() },
            ...inspector().memoryProblems,
          ].slice(0, 5),
        });
        break;
      case 'models.changed':
        void useModels.getState().refresh();
        break;
      case 'policy.health_changed':
        usePolicy.getState().health(event.payload.auditHealthy, event.payload.problem);
        break;
    }
  });
}

/** Fetches what the events will keep current from then on. */
export async function loadInitialState(): Promise<void> {
  const [turn, presence, router, persona] = await Promise.all([
    client.invoke('turn.get_state', {}),
    client.invoke('presence.get_state', {}),
    client.invoke('router.get_status', {}),
    client.invoke('persona.get_active', {}),
  ]);
  useInspector.getState().set({
    turnState: turn.state,
    presence: presence.state,
    router,
    model: router.model,
    persona: {
      id: persona.id,
      displayName: persona.displayName,
      tagline: persona.tagline,
      presence: persona.presence,
    },
  });
  await Promise.all([useConversations.getState().refresh(), usePolicy.getState().load()]);
}
