// All column stores of one client, and how they follow the host: each binds its own events;
// after a replay gap or a reconnect every store fetches its state again.
import type { AetherClient } from '../ipc/client.ts';
import { createAvatarStore } from './avatar.ts';
import { createChatStore } from './chat.ts';
import { createConversationsStore } from './conversations.ts';
import { createInspectorStore } from './inspector.ts';
import { createMemoryStore } from './memory.ts';
import { createModelsStore } from './models.ts';
import { createPersonaStore } from './persona.ts';
import { createPolicyStore } from './policy.ts';
import { createPresenceStore } from './presence.ts';
import { createTrustStore } from './trust.ts';
import { createVoiceStore, type VoiceParts } from './voice.ts';

export function createStores(client: AetherClient, voice: VoiceParts = {}) {
  const useChat = createChatStore(client);
  const useConversations = createConversationsStore(client);
  // The final words of what the user said go to the open conversation (a new one if none is).
  const sendText = async (text: string) => {
    const id =
      useConversations.getState().activeId ?? (await useConversations.getState().create()).id;
    return useChat.getState().send(id, text);
  };
  const preloadText = (text: string, now?: boolean) => {
    const id = useConversations.getState().activeId;
    if (id) useChat.getState().preload(id, text, now);
  };
  return {
    useChat,
    useConversations,
    useInspector: createInspectorStore(client),
    useMemory: createMemoryStore(client),
    useModels: createModelsStore(client),
    usePersona: createPersonaStore(client),
    usePolicy: createPolicyStore(client),
    usePresence: createPresenceStore(client),
    useAvatar: createAvatarStore(client),
    useTrust: createTrustStore(client),
    useVoice: createVoiceStore(client, { sendText, preloadText, ...voice }),
  };
}

export type Stores = ReturnType<typeof createStores>;

/** The stores the workspace shows at once; the tabs load theirs when first opened. */
const AT_START = [
  'useInspector',
  'useConversations',
  'usePolicy',
  'useAvatar',
  'useTrust',
] as const;

/**
 * Binds every store to its events, then fetches what the workspace shows first. `onError`
 * hears a failed fetch (at start or on a resync). Returns the unbind.
 */
export function startStores(
  client: AetherClient,
  stores: Stores,
  onError: (error: Error) => void,
): () => void {
  const all = Object.values(stores);
  const unbinds = all.map((store) => store.bind());
  const reloadAll = () =>
    Promise.all(all.map((store) => store.getState().reload())).then(() => undefined, onError);
  const stopResync = client.onResync(() => void reloadAll());
  Promise.all(AT_START.map((name) => stores[name].getState().reload())).catch(onError);
  return () => {
    stopResync();
    for (const unbind of unbinds) unbind();
  };
}
