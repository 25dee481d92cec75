// The one way the renderer talks to the host: through the preload's `window.aether` in the
// desktop app, or a WebSocket with the launch token in headless mode. Both look the same from
// here, and nothing connects until `createClient()` is called (main.tsx, once).
import type { AetherClient } from './aether-client.ts';
import { bridgeClient, type AetherBridge } from './bridge-client.ts';
import { socketClient } from './socket-client.ts';

export { ClientError, say, type AetherClient, type PresenceView } from './aether-client.ts';
export type { ConnectionState, ResyncReason } from './events.ts';

export function createClient(): AetherClient {
  const bridge = (window as unknown as { aether?: AetherBridge }).aether;
  return bridge ? bridgeClient(bridge) : socketClient();
}
