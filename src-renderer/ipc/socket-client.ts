// The headless host's client: a WebSocket with the launch token, reconnecting with backoff
// and replaying from the last seq it saw.
import type { ClientMessage, InvokeResult, ServerMessage } from '../../engines/bus/index.ts';
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

export function socketClient(): AetherClient {
  const token = takeToken();
  const events = eventHub();
  const resync = emitter<ResyncReason>();
  const connection = emitter<ConnectionState>();
  const pending = new Map<number, (r: InvokeResult) => void>();
  let socket: WebSocket | null = null;
  let lastSeq = loadLastSeq();
  let connectedBefore = false;
  let closed = false;
  let nextId = 1;
  let retry = 0;
  let opened: Promise<WebSocket>;

  function onHello(ws: WebSocket, hostSeq: number): void {
    // A seq beyond the host's own belongs to an earlier run of it: start from now.
    if (lastSeq !== null && lastSeq > hostSeq) lastSeq = null;
    send(ws, { type: 'subscribe', afterSeq: lastSeq ?? hostSeq });
    lastSeq ??= hostSeq;
    retry = 0;
    connection.emit('open');
    if (connectedBefore) resync.emit('reconnect');
    connectedBefore = true;
  }

  function onClose(): void {
    connection.emit('closed');
    for (const [id, resolve] of pending) resolve(lost(id));
    pending.clear();
    if (closed) return;
    const delay = Math.min(5000, 250 * 2 ** retry++);
    setTimeout(() => {
      opened = open();
    }, delay);
  }

  function open(): Promise<WebSocket> {
    connection.emit('connecting');
    return new Promise((resolve) => {
      const ws = new WebSocket(`ws://${location.host}/ws?token=${encodeURIComponent(token)}`);
      ws.onmessage = (m) => {
        const message = JSON.parse(String(m.data)) as ServerMessage;
        if (message.type === 'hello') {
          onHello(ws, message.lastSeq);
          resolve(ws);
        } else if (message.type === 'event') {
          lastSeq = message.event.seq;
          saveLastSeq(lastSeq);
          events.dispatch(message.event);
        } else if (message.type === 'replay_gap') {
          resync.emit('replay_gap');
        } else if (typeof message.id === 'number') {
          pending.get(message.id)?.(message);
          pending.delete(message.id);
        }
      };
      ws.onclose = onClose;
      socket = ws;
    });
  }

  function send(ws: WebSocket, message: ClientMessage): void {
    ws.send(JSON.stringify(message));
  }

  opened = open();
  return {
    async invoke(command, input) {
      const ws = socket?.readyState === WebSocket.OPEN ? socket : await opened;
      const id = nextId++;
      const result = await new Promise<InvokeResult>((resolve) => {
        pending.set(id, resolve);
        send(ws, { type: 'invoke', id, command, input });
      });
      return unwrap(result) as never;
    },
    on: events.on,
    onResync: resync.add,
    onConnection: connection.add,
    close() {
      closed = true;
      socket?.close();
    },
  };
}
