// Left column: the list of conversations and which one is open.
import type { Conversation } from '../../engines/bus/index.ts';
import type { AetherClient } from '../ipc/client.ts';
import { boundStore } from './bound.ts';

export type ConversationsState = {
  list: Conversation[];
  activeId: string | null;
  loaded: boolean;
  refresh(): Promise<void>;
  reload(): Promise<void>;
  select(id: string | null): void;
  create(): Promise<Conversation>;
  rename(id: string, title: string): Promise<void>;
  remove(id: string): Promise<void>;
};

const ACTIVE_KEY = 'aether.activeConversation';

export function createConversationsStore(client: AetherClient) {
  return boundStore<ConversationsState>(
    (set, get) => ({
      list: [],
      activeId: null,
      loaded: false,
      async refresh() {
        const { conversations } = await client.invoke('chat.list_conversations', {});
        const remembered = get().activeId ?? localStorage.getItem(ACTIVE_KEY);
        const activeId = conversations.some((c) => c.id === remembered)
          ? remembered
          : (conversations[0]?.id ?? null);
        set({ list: conversations, loaded: true });
        if (activeId !== get().activeId) get().select(activeId);
      },
      reload: () => get().refresh(),
      select(id) {
        if (id) localStorage.setItem(ACTIVE_KEY, id);
        else localStorage.removeItem(ACTIVE_KEY);
        set({ activeId: id });
      },
      async create() {
        const conversation = await client.invoke('chat.create_conversation', {});
        set({ list: [conversation, ...get().list.filter((c) => c.id !== conversation.id)] });
        get().select(conversation.id);
        return conversation;
      },
      async rename(id, title) {
        const updated = await client.invoke('chat.rename_conversation', { id, title });
        set({ list: get().list.map((c) => (c.id === id ? updated : c)) });
      },
      async remove(id) {
        await client.invoke('chat.delete_conversation', { id });
        const list = get().list.filter((c) => c.id !== id);
        set({ list });
        if (get().activeId === id) get().select(list[0]?.id ?? null);
      },
    }),
    (get) => [client.on('chat.conversations_changed', () => void get().refresh())],
  );
}
