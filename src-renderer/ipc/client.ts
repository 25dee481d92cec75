// The only file that talks to the host: through the preload's `window.aether` in the desktop
// app, or a WebSocket with the launch token in headless mode. Both look the same from here.
import type {
  ClientMessage,
  CommandInput,
  CommandOutput,
  Envelope,
  ErrorInfo,
  ExposedCommandName,
  InvokeResult,
  ServerMessage,
} from '../../engines/bus/index.ts';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export type AetherClient = {
  invoke<K extends ExposedCommandName>(
    command: K,
    input: CommandInput<K>,
  ): Promise<CommandOutput<K>>;
  onEvent(listener: (event: Envelope) => void): () => void;
  onConnection(listener: (state: ConnectionState) => void): () => void;
};

/** The preload's bridge, as exposed by src-preload (desktop mode only). */
export type AetherBridge = {
  invoke(request: { id: number; command: string; input: unknown }): Promise<InvokeResult>;
  on(listener: (event: Envelope) => void): () => void;
};

export class ClientError extends Error {
  readonly code: ErrorInfo['code'];
  constructor(info: ErrorInfo) {
    super(info.message);
    this.code = info.code;
  }
}

function unwrap(result: InvokeResult): unknown {
  if (result.ok) return result.output;
  throw new ClientError(result.error);
}

function emitter<T>() {
  const listeners = new Set<(value: T) => void>();
  return {
    emit: (value: T) => {
      for (const l of listeners) l(value);
    },
    add: (l: (value: T) => void) => {
      listeners.add(l);
      return () => {
        listeners.delete(l);
      };
    },
  };
}

function bridgeClient(bridge: AetherBridge): AetherClient {
  let nextId = 1;
  const events = emitter<Envelope>();
  bridge.on(events.emit);
  return {
    invoke: async (command, input) =>
      unwrap(await bridge.invoke({ id: nextId++, command, input })) as never,
    onEvent: events.add,
    onConnection: (l) => {
      l('open');
      return () => {};
    },
  };
}

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

function socketClient(): AetherClient {
  const token = takeToken();
  const events = emitter<Envelope>();
  const connection = emitter<ConnectionState>();
  const pending = new Map<number, { resolve: (r: InvokeResult) => void }>();
  let socket: WebSocket | null = null;
  let lastSeq: number | null = null;
  let nextId = 1;
  let retry = 0;
  let opened: Promise<WebSocket>;

  function open(): Promise<WebSocket> {
    connection.emit('connecting');
    return new Promise((resolve) => {
      const ws = new WebSocket(`ws://${location.host}/ws?token=${encodeURIComponent(token)}`);
      ws.onmessage = (m) => {
        const message = JSON.parse(String(m.data)) as ServerMessage;
        if (message.type === 'hello') {
          // First connection: start from now (state is fetched by commands); later ones catch up.
          send(ws, { type: 'subscribe', afterSeq: lastSeq ?? message.lastSeq });
          lastSeq ??= message.lastSeq;
          retry = 0;
          connection.emit('open');
          resolve(ws);
        } else if (message.type === 'event') {
          lastSeq = message.event.seq;
          events.emit(message.event);
        } else if (message.type === 'result' && typeof message.id === 'number') {
          pending.get(message.id)?.resolve(message);
          pending.delete(message.id);
        }
      };
      ws.onclose = () => {
        connection.emit('closed');
        for (const [id, p] of pending)
          p.resolve({
            id,
            ok: false,
            error: { code: 'Internal', message: 'connection to Aether was lost' },
          });
        pending.clear();
        const delay = Math.min(5000, 250 * 2 ** retry++);
        setTimeout(() => {
          opened = open();
        }, delay);
      };
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
        pending.set(id, { resolve });
        send(ws, { type: 'invoke', id, command, input });
      });
      return unwrap(result) as never;
    },
    onEvent: events.add,
    onConnection: connection.add,
  };
}

export function connect(): AetherClient {
  const bridge = (window as unknown as { aether?: AetherBridge }).aether;
  return bridge ? bridgeClient(bridge) : socketClient();
}

export const client: AetherClient = connect();
