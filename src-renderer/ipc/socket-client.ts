// The headless host's client: a WebSocket with the launch token, reconnecting with backoff
// and replaying from the last seq it saw.
import type {
  ClientMessage,
  Envelope,
  ErrorInfo,
  InvokeResult,
  ServerMessage,
} from '../../engines/bus/index.ts';
import { unwrap, type AetherClient } from './aether-client.ts';
import { emitter, eventHub, type ConnectionState, type ResyncReason } from './events.ts';
import { loadLastSeq, saveLastSeq } from './last-seq.ts';

/** Reads the launch token from the URL once, keeps it for reloads, and hides it from the address bar. */
function takeToken(): string {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem('aether.token', fromUrl);
    url.searchParams.delete('token');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  return fromUrl ?? sessionStorage.getItem('aether.token') ?? '';
}

const lost = (id: number): InvokeResult => ({
  id,
  ok: false,
  error: { code: 'Internal', message: 'connection to Aether was lost' },
});

type Inbox = {
  hello(ws: WebSocket, hostSeq: number): void;
  speech(frame: Uint8Array): void;
  refused(error: ErrorInfo): void;
  event(event: Envelope): void;
  gap(): void;
  result(result: InvokeResult): void;
  closed(): void;
};

/** Opens one socket; resolves once the host said hello. */
function dial(token: string, inbox: Inbox): { ws: WebSocket; ready: Promise<WebSocket> } {
  const ws = new WebSocket(`ws://${location.host}/ws?token=${encodeURIComponent(token)}`);
  ws.binaryType = 'arraybuffer';
  const ready = new Promise<WebSocket>((resolve) => {
    ws.onmessage = (m) => {
      // Binary messages from the host are spoken pieces of replies.
      if (m.data instanceof ArrayBuffer) return inbox.speech(new Uint8Array(m.data));
      const message = JSON.parse(String(m.data)) as ServerMessage;
      if (message.type === 'hello') {
        inbox.hello(ws, message.lastSeq);
        resolve(ws);
      } else if (message.type === 'event') inbox.event(message.event);
      else if (message.type === 'replay_gap') inbox.gap();
      else if (message.type === 'result') inbox.result(message);
      else if (message.type === 'audio_refused') inbox.refused(message.error);
    };
  });
  ws.onclose = inbox.closed;
  return { ws, ready };
}

const send = (ws: WebSocket, message: ClientMessage) => ws.send(JSON.stringify(message));

/** Invocations waiting for their result; all of them fail when the connection drops. */
function waiting() {
  const pending = new Map<number, (r: InvokeResult) => void>();
  return {
    settle(result: InvokeResult): void {
      if (typeof result.id !== 'number') return;
      pending.get(result.id)?.(result);
      pending.delete(result.id);
    },
    /** Sends one invocation and waits for its result. */
    call(ws: WebSocket, id: number, command: string, input: unknown): Promise<InvokeResult> {
      return new Promise((resolve) => {
        pending.set(id, resolve);
        send(ws, { type: 'invoke', id, command, input });
      });
    },
    lose(): void {
      for (const [id, resolve] of pending) resolve(lost(id));
      pending.clear();
    },
  };
}

export function socketClient(): AetherClient {
  const token = takeToken();
  const events = eventHub();
  const resync = emitter<ResyncReason>();
  const connection = emitter<ConnectionState>();
  const pending = waiting();
  const binary = { speech: emitter<Uint8Array>(), refused: emitter<ErrorInfo>() };
  let lastSeq = loadLastSeq();
  const st = { connectedBefore: false, closed: false, nextId: 1, retry: 0 };

  const inbox: Inbox = {
    hello(ws, hostSeq) {
      // A seq beyond the host's own belongs to an earlier run of it: start from now.
      if (lastSeq !== null && lastSeq > hostSeq) lastSeq = null;
      send(ws, { type: 'subscribe', afterSeq: lastSeq ?? hostSeq });
      lastSeq ??= hostSeq;
      st.retry = 0;
      connection.emit('open');
      if (st.connectedBefore) resync.emit('reconnect');
      st.connectedBefore = true;
    },
    event(event) {
      lastSeq = event.seq;
      saveLastSeq(lastSeq);
      events.dispatch(event);
    },
    gap: () => resync.emit('replay_gap'),
    speech: binary.speech.emit,
    refused: binary.refused.emit,
    result: pending.settle,
    closed() {
      connection.emit('closed');
      pending.lose();
      if (st.closed) return;
      setTimeout(open, Math.min(5000, 250 * 2 ** st.retry++));
    },
  };
  let link: ReturnType<typeof dial>;
  function open(): void {
    connection.emit('connecting');
    link = dial(token, inbox);
  }
  open();

  return {
    async invoke(command, input) {
      const ws = link.ws.readyState === WebSocket.OPEN ? link.ws : await link.ready;
      return unwrap(await pending.call(ws, st.nextId++, command, input)) as never;
    },
    on: events.on,
    onResync: resync.add,
    onConnection: connection.add,
    onSpeech: binary.speech.add,
    onAudioRefused: binary.refused.add,
    // A browser tab has no global shortcuts.
    onShortcut: () => () => {},
    // Frames while the link is down are dropped: live audio has no use late.
    sendAudio: (frame) =>
      link.ws.readyState === WebSocket.OPEN && link.ws.send(frame as Uint8Array<ArrayBuffer>),
    close() {
      st.closed = true;
      link.ws.close();
    },
  };
}
