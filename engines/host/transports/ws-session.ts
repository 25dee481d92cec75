// One WebSocket from the page: hello, then subscribe (with replay after a seq), invoke, and the
// avatar's frames at the rate the page asks, each message parsed; a malformed one is answered
// under the id it carried, when it carried one.
import type { WebSocket } from 'ws';
import {
  clientMessageSchema,
  toErrorInfo,
  type ClientMessage,
  type ServerMessage,
} from '../../bus/index.ts';
import type { Host } from '../create-host.ts';
import type { Logger } from '../logger.ts';
import { dispatch } from './dispatch.ts';

const badRequest = (id: string | number | null, message: string): ServerMessage => ({
  type: 'result',
  id,
  ok: false,
  error: { code: 'BadRequest', message },
});

/** The message, or what to answer instead. */
function parse(data: string, log: Logger): ClientMessage | ServerMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return badRequest(null, 'message is not JSON');
  }
  const parsed = clientMessageSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  log.warn('transport.rejected', { origin: 'ws', reason: 'malformed message' });
  const id = (raw as { id?: unknown } | null)?.id;
  const usable =
    (typeof id === 'string' && id.length <= 64) ||
    (typeof id === 'number' && Number.isSafeInteger(id))
      ? id
      : null;
  const issue = parsed.error.issues[0];
  return badRequest(
    usable,
    `malformed message: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
  );
}

/** A binary frame is audio for L1's ears; one it refuses is answered, never fatal. */
function audio(host: Host, data: Buffer | Buffer[], send: (m: ServerMessage) => void): void {
  try {
    host.audio(Array.isArray(data) ? Buffer.concat(data) : data);
  } catch (error) {
    send({ type: 'audio_refused', error: toErrorInfo(error) });
  }
}

export function attach(ws: WebSocket, host: Host, log: Logger): void {
  const send = (message: ServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  let subscription: { dispose(): void } | null = null;
  let speech: (() => void) | null = null;
  let presence: (() => void) | null = null;
  const stop = () => {
    subscription?.dispose();
    speech?.();
    presence?.();
  };
  send({ type: 'hello', version: host.health().version, lastSeq: host.bus.lastSeq() });
  ws.on('message', async (data, isBinary) => {
    if (isBinary) return audio(host, data as Buffer | Buffer[], send);
    const message = parse(data.toString(), log);
    if (message.type === 'result') return send(message);
    if (message.type === 'subscribe') {
      subscription?.dispose();
      const { afterSeq } = message;
      const sub = host.bus.subscribe((event) => send({ type: 'event', event }), { afterSeq });
      if (sub.gap) send({ type: 'replay_gap', afterSeq });
      subscription = sub;
      // A page that listens to events hears the spoken replies too, as binary frames.
      speech ??= host.onSpeech((frame) => {
        if (ws.readyState === ws.OPEN) ws.send(frame, { binary: true });
      });
      return;
    }
    if (message.type === 'presence') {
      presence?.();
      presence = null;
      const { fps, reducedMotion } = message;
      if (fps !== 0)
        presence = host.onPresence({ fps, reducedMotion }, (frame) =>
          send({ type: 'presence_frame', frame }),
        );
      return;
    }
    if (message.type === 'invoke')
      send({ type: 'result', ...(await dispatch(host.bus, message, 'renderer', log)) });
  });
  ws.on('close', stop);
  ws.on('error', stop);
}
