// The desktop app's client: the preload's functions, with the seq this tab last saw so a
// reloaded page gets what it missed replayed.
import type {
  BehaviorFrame,
  BridgeMessage,
  ErrorInfo,
  InvokeResult,
} from '../../engines/bus/index.ts';
import { unwrap, type AetherClient, type PresenceView } from './aether-client.ts';
import { emitter, eventHub, type ResyncReason } from './events.ts';
import { loadLastSeq, saveLastSeq } from './last-seq.ts';

export type { BridgeMessage } from '../../engines/bus/index.ts';

/** The preload's bridge, as exposed by src-preload (desktop mode only). */
export type AetherBridge = {
  invoke(request: { id: number; command: string; input: unknown }): Promise<InvokeResult>;
  on(listener: (message: BridgeMessage) => void, afterSeq?: number): () => void;
  audio(frame: Uint8Array): void;
  onSpeech(listener: (frame: Uint8Array) => void): () => void;
  onShortcut(listener: (name: 'push-to-talk') => void): () => void;
  presence(view: PresenceView, listener: (frame: BehaviorFrame) => void): () => void;
};

export function bridgeClient(bridge: AetherBridge): AetherClient {
  let nextId = 1;
  const events = eventHub();
  const resync = emitter<ResyncReason>();
  const refused = emitter<ErrorInfo>();
  const stop = bridge.on((message) => {
    if (message.type === 'replay_gap') return resync.emit('replay_gap');
    if (message.type === 'audio_refused') return refused.emit(message.error);
    saveLastSeq(message.event.seq);
    events.dispatch(message.event);
  }, loadLastSeq() ?? undefined);
  return {
    invoke: async (command, input) =>
      unwrap(await bridge.invoke({ id: nextId++, command, input })) as never,
    on: events.on,
    onResync: resync.add,
    // IPC to our own main process does not drop: it is open for as long as the page lives.
    onConnection: (fn) => {
      fn('open');
      return () => {};
    },
    sendAudio: (frame) => bridge.audio(frame),
    onAudioRefused: refused.add,
    onSpeech: (fn) => bridge.onSpeech(fn),
    onShortcut: (fn) => bridge.onShortcut(fn),
    presence: (view, fn) => bridge.presence(view, fn),
    close: stop,
  };
}
