// The desktop app's client: the preload's two functions, with the seq this tab last saw so a
// reloaded page gets what it missed replayed.
import type { BridgeMessage, InvokeResult } from '../../engines/bus/index.ts';
import { unwrap, type AetherClient } from './aether-client.ts';
import { emitter, eventHub, type ResyncReason } from './events.ts';
import { loadLastSeq, saveLastSeq } from './last-seq.ts';

export type { BridgeMessage } from '../../engines/bus/index.ts';

/** The preload's bridge, as exposed by src-preload (desktop mode only). */
export type AetherBridge = {
  invoke(request: { id: number; command: string; input: unknown }): Promise<InvokeResult>;
  on(listener: (message: BridgeMessage) => void, afterSeq?: number): () => void;
  audio(frame: Uint8Array): void;
};

export function bridgeClient(bridge: AetherBridge): AetherClient {
  let nextId = 1;
  const events = eventHub();
  const resync = emitter<ResyncReason>();
  const stop = bridge.on((message) => {
    if (message.type === 'replay_gap') return resync.emit('replay_gap');
    // audio_refused: the microphone's frames are the voice capture's concern (not yet here).
    if (message.type !== 'event') return;
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
    close: stop,
  };
}
