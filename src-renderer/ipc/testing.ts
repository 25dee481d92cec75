// A client for store tests: commands answered by the handlers the test gives, events and
// resyncs sent when the test says. No socket, no host; what the stores asked for is recorded.
import type {
  BehaviorFrame,
  CommandInput,
  CommandOutput,
  Envelope,
  EventName,
  EventPayload,
  ErrorInfo,
  ExposedCommandName,
} from '../../engines/bus/index.ts';
import { ClientError, type AetherClient } from './aether-client.ts';
import { emitter, eventHub, type ConnectionState, type ResyncReason } from './events.ts';

export type TestHandlers = {
  [K in ExposedCommandName]?: (
    input: CommandInput<K>,
  ) => CommandOutput<K> | Promise<CommandOutput<K>>;
};

export type TestClient = AetherClient & {
  calls: Array<{ command: ExposedCommandName; input: unknown }>;
  /** Audio frames the stores sent. */
  frames: Uint8Array[];
  /** Replaces or adds the answer to one command. */
  answer<K extends ExposedCommandName>(command: K, handler: NonNullable<TestHandlers[K]>): void;
  emit<N extends EventName>(name: N, payload: EventPayload<N>, turnId?: string): void;
  /** A spoken piece, as the host would send it. */
  speak(frame: Uint8Array): void;
  refuseAudio(error: ErrorInfo): void;
  press(name: 'push-to-talk'): void;
  /** Hands the page an avatar frame, as the host's subscription would. */
  showFrame(frame: BehaviorFrame): void;
  resync(reason: ResyncReason): void;
  connection(state: ConnectionState): void;
  /** How many listeners an event has now. */
  listeners(name: EventName): number;
  /** How many commands were invoked, by name. */
  count(command: ExposedCommandName): number;
};

export function createTestClient(handlers: TestHandlers = {}): TestClient {
  const answers: TestHandlers = { ...handlers };
  const events = eventHub();
  const resyncs = emitter<ResyncReason>();
  const connections = emitter<ConnectionState>();
  const calls: TestClient['calls'] = [];
  const frames: Uint8Array[] = [];
  const speech = emitter<Uint8Array>();
  const refused = emitter<ErrorInfo>();
  const shortcuts = emitter<'push-to-talk'>();
  const presenceFrames = emitter<BehaviorFrame>();
  let seq = 0;
  return {
    calls,
    frames,
    sendAudio: (frame) => frames.push(frame),
    async invoke(command, input) {
      calls.push({ command, input });
      const handler = answers[command] as ((i: unknown) => unknown) | undefined;
      if (!handler)
        throw new ClientError({ code: 'UnknownCommand', message: `no test answer for ${command}` });
      return (await handler(input)) as never;
    },
    answer(command, handler) {
      (answers as Record<string, unknown>)[command] = handler;
    },
    on: events.on,
    onResync: resyncs.add,
    onConnection: connections.add,
    onSpeech: speech.add,
    onAudioRefused: refused.add,
    speak: speech.emit,
    refuseAudio: refused.emit,
    onShortcut: shortcuts.add,
    presence: (_view, fn) => presenceFrames.add(fn),
    showFrame: presenceFrames.emit,
    press: shortcuts.emit,
    close() {},
    emit(name, payload, turnId) {
      seq++;
      const envelope = { seq, name, payload, changeId: `change-${seq}`, turnId, source: 'host' };
      events.dispatch({ ...envelope, at: seq, v: 1 } as Envelope);
    },
    resync: resyncs.emit,
    connection: connections.emit,
    listeners: events.count,
    count: (command) => calls.filter((c) => c.command === command).length,
  };
}
