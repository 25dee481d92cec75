// L3 presence, first slice: turns the turn state into what the avatar shows. The behaviour
// scheduler (frames, blink, gaze, priorities) grows from this mapping.
import {
  DisposableSet,
  type Bus,
  type EngineHealth,
  type PresenceState,
  type TurnState,
} from '../bus/index.ts';

const FOR_TURN: Record<TurnState, PresenceState> = {
  idle: 'idle',
  listening: 'listening',
  transcribing: 'listening',
  classifying: 'thinking',
  reflex: 'speaking',
  thinking: 'thinking',
  streaming: 'speaking',
  executing_tool: 'thinking',
  // Waiting for the user's answer: attentive, like listening.
  awaiting_approval: 'listening',
  speaking: 'speaking',
  // The user is talking over the reply: the companion listens.
  barged_in: 'listening',
  repairing: 'listening',
  error: 'concerned',
};

export function presenceFor(state: TurnState): PresenceState {
  return FOR_TURN[state];
}

export function createPresenceEngine(deps: { bus: Bus }) {
  const disposables = new DisposableSet();
  let state: PresenceState = 'idle';

  return {
    start(): void {
      disposables.add(deps.bus.handle('presence.get_state', () => ({ state })));
      disposables.add(
        deps.bus.on('turn.state_changed', (event) => {
          const next = presenceFor(event.payload.state);
          if (next === state) return;
          const previous = state;
          state = next;
          deps.bus.emit(
            'presence.state_changed',
            { state, previous },
            { source: 'presence', changeId: event.changeId, turnId: event.turnId },
          );
        }),
      );
    },
    dispose: () => disposables.dispose(),
    state: () => state,
    health: (): EngineHealth => ({ state: 'ok', detail: state }),
  };
}

export type PresenceEngine = ReturnType<typeof createPresenceEngine>;
