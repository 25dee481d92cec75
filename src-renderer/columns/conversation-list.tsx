// Left column: conversations — new, switch, rename, delete (with confirmation).
import { useState, type KeyboardEvent } from 'react';
import type { Conversation } from '../../engines/bus/index.ts';
import { useStores } from '../context.tsx';

function TitleEditor({ conversation, done }: { conversation: Conversation; done: () => void }) {
  const { useConversations } = useStores();
  const rename = useConversations((s) => s.rename);
  const [draft, setDraft] = useState(conversation.title);
  const commit = async () => {
    done();
    const title = draft.trim();
    if (title && title !== conversation.title) await rename(conversation.id, title);
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') void commit();
    if (e.key === 'Escape') done();
  };
  return (
    <input
      className="rename"
      data-testid="conversation-rename-input"
      autoFocus
      value={draft}
      maxLength={200}
      onChange={(e) => setDraft(e.target.value)}
      onKeyDown={onKey}
      onBlur={() => void commit()}
      aria-label="Conversation title"
    />
  );
}

function Actions({ id, onRename }: { id: string; onRename: () => void }) {
  const { useConversations } = useStores();
  const remove = useConversations((s) => s.remove);
  const [confirming, setConfirming] = useState(false);
  if (confirming)
    return (
      <span className="confirm">
        <button
          className="danger"
          data-testid="conversation-delete-confirm"
          onClick={() => void remove(id)}
        >
          Delete
        </button>
        <button onClick={() => setConfirming(false)}>Keep</button>
      </span>
    );
  return (
    <span className="row-actions">
      <button
        aria-label="Rename"
        title="Rename"
        data-testid="conversation-rename"
        onClick={onRename}
      >
        ✎
      </button>
      <button
        aria-label="Delete"
        title="Delete"
        data-testid="conversation-delete"
        onClick={() => setConfirming(true)}
      >
        ✕
      </button>
    </span>
  );
}

function Row({ conversation, active }: { conversation: Conversation; active: boolean }) {
  const { useConversations } = useStores();
  const select = useConversations((s) => s.select);
  const [editing, setEditing] = useState(false);
  return (
    <li
      className={`conversation ${active ? 'active' : ''}`}
      data-testid="conversation-item"
      data-id={conversation.id}
    >
      {editing ? (
        <TitleEditor conversation={conversation} done={() => setEditing(false)} />
      ) : (
        <button
          className="title"
          onClick={() => select(conversation.id)}
          onDoubleClick={() => setEditing(true)}
          title={conversation.title}
        >
          {conversation.title}
        </button>
      )}
      <Actions id={conversation.id} onRename={() => setEditing(true)} />
    </li>
  );
}

export function ConversationList() {
  const { useConversations } = useStores();
  const { list, activeId, create } = useConversations();
  return (
    <nav className="column left" aria-label="Conversations">
      <header className="column-header">
        <h2>Conversations</h2>
        <button className="primary" data-testid="conversation-new" onClick={() => void create()}>
          New
        </button>
      </header>
      <ul className="conversations" data-testid="conversation-list">
        {list.map((c) => (
          <Row key={c.id} conversation={c} active={c.id === activeId} />
        ))}
        {list.length === 0 && (
          <li className="empty">No conversations yet. Say hello to start one.</li>
        )}
      </ul>
    </nav>
  );
}
