// The headless host's client: a WebSocket with the launch token, reconnecting with backoff
// and replaying from the last seq it saw.
import type {
  BehaviorFrame,
  ClientMessage,
  Envelope,
  ErrorInfo,
  InvokeResult,
  ServerMessage,
} from '../../engines/bus/index.ts';
import { unwrap, type AetherClient, type PresenceView } from './aether-client.ts';
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
  frame(frame: BehaviorFrame): void;
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
      else if (message.type === 'presence_frame') inbox.frame(message.frame);
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

/** A microphone frame, unless the link is down: live audio has no use late. */
function sendLive(ws: WebSocket, frame: Uint8Array): void {
  if (ws.readyState === WebSocket.OPEN) ws.send(frame as Uint8Array<ArrayBuffer>);
}

/** The host said hello: events from the last seq this page saw, or from now. */
function subscribeFrom(ws: WebSocket, hostSeq: number, lastSeq: number | null): number {
  // A seq beyond the host's own belongs to an earlier run of it: start from now.
  const from = lastSeq !== null && lastSeq <= hostSeq ? lastSeq : hostSeq;
  send(ws, { type: 'subscribe', afterSeq: from });
  return from;
}

/** The page's one frame subscription, asked for again on every (re)connection. */
function framesOver(ws: () => WebSocket) {
  const frames = emitter<BehaviorFrame>();
  let view: PresenceView | null = null;
  const open = () => ws().readyState === WebSocket.OPEN;
  return {
    frames,
    again(socket: WebSocket): void {
      if (view) send(socket, { type: 'presence', ...view });
    },
    ask(next: PresenceView, fn: (frame: BehaviorFrame) => void): () => void {
      view = next;
      const off = frames.add(fn);
      if (open()) send(ws(), { type: 'presence', ...next });
      return () => {
        off();
        view = null;
        if (open()) send(ws(), { type: 'presence', fps: 0, reducedMotion: next.reducedMotion });
      };
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
  const presence = framesOver(() => link.ws);
  let lastSeq = loadLastSeq();
  const st = { connectedBefore: false, closed: false, nextId: 1, retry: 0 };
  const inbox: Inbox = {
    hello(ws, hostSeq) {
      lastSeq = subscribeFrom(ws, hostSeq, lastSeq);
      presence.again(ws);
      st.retry = 0;
      connection.emit('open');
      if (st.connectedBefore) resync.emit('reconnect');
      st.connectedBefore = true;
    },
    event(event) {
      saveLastSeq((lastSeq = event.seq));
      events.dispatch(event);
    },
    gap: () => resync.emit('replay_gap'),
    speech: binary.speech.emit,
    frame: presence.frames.emit,
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
    presence: (next, fn) => presence.ask(next, fn),
    onShortcut: () => () => {}, // a browser tab has no global shortcuts
    sendAudio: (frame) => sendLive(link.ws, frame),
    close() {
      st.closed = true;
      link.ws.close();
    },
  };
}
