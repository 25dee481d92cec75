// What every client of the host looks like to the stores (socket, preload bridge, test client).
import type {
  BehaviorFrame,
  CommandInput,
  CommandOutput,
  Envelope,
  ErrorInfo,
  EventName,
  ExposedCommandName,
  InvokeResult,
} from '../../engines/bus/index.ts';
import type { ConnectionState, ResyncReason } from './events.ts';

/** How many frames a second the page wants, and whether motion is reduced there. */
export type PresenceView = { fps: 10 | 30 | 60; reducedMotion: boolean };

export type AetherClient = {
  invoke<K extends ExposedCommandName>(
    command: K,
    input: CommandInput<K>,
  ): Promise<CommandOutput<K>>;
  /** Calls `fn` for each event of that name; returns the unsubscribe. */
  on<N extends EventName>(name: N, fn: (event: Envelope<N>) => void): () => void;
  /** After a replay gap or a reconnect: events were missed, so state must be fetched again. */
  onResync(fn: (reason: ResyncReason) => void): () => void;
  onConnection(fn: (state: ConnectionState) => void): () => void;
  /** An audio frame from the microphone (16 kHz mono int16 bytes), as a binary message. */
  sendAudio(frame: Uint8Array): void;
  /** Why the host did not take a microphone frame (too large, too fast, no speech process). */
  onAudioRefused(fn: (error: ErrorInfo) => void): () => void;
  /** Each spoken piece of a reply: a binary speech frame (engines/bus/speech-frame.ts). */
  onSpeech(fn: (frame: Uint8Array) => void): () => void;
  /**
   * The avatar's behaviour frames at the rate asked (one subscription per page: a new one
   * replaces it); returns the stop.
   */
  presence(view: PresenceView, fn: (frame: BehaviorFrame) => void): () => void;
  /** The desktop's global shortcuts (push-to-talk); never called in a browser tab. */
  onShortcut(fn: (name: 'push-to-talk') => void): () => void;
  close(): void;
};

export class ClientError extends Error {
  readonly code: ErrorInfo['code'];
  constructor(info: ErrorInfo) {
    super(info.message);
    this.code = info.code;
  }
}

export function unwrap(result: InvokeResult): unknown {
  if (result.ok) return result.output;
  throw new ClientError(result.error);
}

/** What the UI shows for a failed call. */
export const say = (error: unknown): string =>
  error instanceof ClientError || error instanceof Error ? error.message : String(error);
