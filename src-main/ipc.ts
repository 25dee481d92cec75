// The one validating wrapper between the renderer and the host in the desktop app: its known
// channels, the sender must be our window's main frame, and every payload goes through the same
// dispatch (schema-checked, exposed commands only) and the same audio checks as the WebSocket.
import type { Host } from '../engines/host/index.ts';
import { dispatch, type Logger } from '../engines/host/index.ts';
import {
  AetherError,
  bridgeSubscribeSchema,
  presenceSubscribeSchema,
  toErrorInfo,
  type BehaviorFrame,
  type BridgeMessage,
  type InvokeResult,
} from '../engines/bus/index.ts';

export const CHANNELS = {
  invoke: 'aether:invoke',
  subscribe: 'aether:subscribe',
  event: 'aether:event',
  audio: 'aether:audio',
  speech: 'aether:speech',
  /** The renderer asks for the avatar's frames (rate, reduced motion); they come on `frame`. */
  presence: 'aether:presence',
  frame: 'aether:presence-frame',
  /** The desktop's global shortcuts (push-to-talk), pressed while Aether may be in the background. */
  shortcut: 'aether:shortcut',
} as const;

/** The parts of Electron's WebFrameMain we look at; the main frame has no parent. */
export type SenderFrame = { url: string; parent: unknown };
export type IpcSender = {
  id: number;
  /** Events on `event`; spoken pieces (binary speech frames) on `speech`; frames on `frame`. */
  send(channel: string, payload: BridgeMessage | Uint8Array | BehaviorFrame): void;
  once(event: 'destroyed', fn: () => void): void;
};

function subscribe(
  host: Host,
  subscriptions: Map<number, { dispose(): void }>,
  sender: IpcSender,
  request: unknown,
  log: Logger,
): void {
  const parsed = bridgeSubscribeSchema.safeParse(request);
  if (!parsed.success) {
    log.warn('transport.rejected', { origin: 'ipc', reason: 'malformed subscribe' });
    return;
  }
  const { afterSeq } = parsed.data;
  subscriptions.get(sender.id)?.dispose();
  const sub = host.bus.subscribe(
    (event) => sender.send(CHANNELS.event, { type: 'event', event }),
    afterSeq === undefined ? undefined : { afterSeq },
  );
  if (sub.gap) sender.send(CHANNELS.event, { type: 'replay_gap', afterSeq: afterSeq ?? 0 });
  const unhear = host.onSpeech((frame) => sender.send(CHANNELS.speech, frame));
  subscriptions.set(sender.id, {
    dispose: () => {
      sub.dispose();
      unhear();
    },
  });
  sender.once('destroyed', () => {
    subscriptions.get(sender.id)?.dispose();
    subscriptions.delete(sender.id);
  });
}

/** Each window's subscription to the avatar's frames; a window that closes stops its own. */
function presenceFrames(host: Host, log: Logger) {
  const stops = new Map<number, () => void>();
  const watched = new Set<number>();
  return {
    ask(sender: IpcSender, request: unknown): void {
      const parsed = presenceSubscribeSchema.safeParse(request);
      if (!parsed.success) {
        log.warn('transport.rejected', { origin: 'ipc', reason: 'malformed presence' });
        return;
      }
      stops.get(sender.id)?.();
      stops.delete(sender.id);
      const { fps, reducedMotion } = parsed.data;
      if (fps === 0) return;
      stops.set(
        sender.id,
        host.onPresence({ fps, reducedMotion }, (f) => sender.send(CHANNELS.frame, f)),
      );
      if (watched.has(sender.id)) return;
      watched.add(sender.id);
      sender.once('destroyed', () => {
        stops.get(sender.id)?.();
        stops.delete(sender.id);
        watched.delete(sender.id);
      });
    },
    dispose(): void {
      for (const stop of stops.values()) stop();
      stops.clear();
    },
  };
}

export function createIpcHandlers(
  host: Host,
  isTrusted: (frame: SenderFrame | null) => boolean,
  log: Logger,
) {
  const subscriptions = new Map<number, { dispose(): void }>();
  const frames = presenceFrames(host, log);
  const refused = (reason: string): InvokeResult => ({
    id: null,
    ok: false,
    error: { code: 'Unauthorized', message: reason },
  });

  return {
    async invoke(frame: SenderFrame | null, request: unknown): Promise<InvokeResult> {
      if (!isTrusted(frame)) {
        log.warn('transport.rejected', { origin: 'ipc', reason: 'untrusted sender' });
        return refused('this frame may not talk to Aether');
      }
      return dispatch(host.bus, request, 'renderer', log);
    },
    subscribe: (frame: SenderFrame | null, sender: IpcSender, request: unknown = {}) => {
      if (!isTrusted(frame)) {
        log.warn('transport.rejected', { origin: 'ipc', reason: 'untrusted subscriber' });
        return;
      }
      subscribe(host, subscriptions, sender, request, log);
    },
    /** A binary audio frame (16 kHz mono int16) for L1's ears; a refused one is answered. */
    audio(frame: SenderFrame | null, sender: IpcSender, payload: unknown): void {
      if (!isTrusted(frame)) {
        log.warn('transport.rejected', { origin: 'ipc', reason: 'untrusted audio' });
        return;
      }
      try {
        if (!(payload instanceof Uint8Array))
          throw new AetherError('BadRequest', 'an audio frame is bytes (16-bit samples)');
        host.audio(payload);
      } catch (error) {
        sender.send(CHANNELS.event, { type: 'audio_refused', error: toErrorInfo(error) });
      }
    },
    /** The avatar's frames for this window, at the rate it asks (0 stops them). */
    presence(frame: SenderFrame | null, sender: IpcSender, request: unknown): void {
      if (isTrusted(frame)) return frames.ask(sender, request);
      log.warn('transport.rejected', { origin: 'ipc', reason: 'untrusted presence' });
    },
    dispose(): void {
      for (const s of subscriptions.values()) s.dispose();
      subscriptions.clear();
      frames.dispose();
    },
  };
}
