// Center column: the conversation, the reply streaming in, a stop button, errors in place,
// and an input that keeps focus.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { Turn } from '../../engines/bus/index.ts';
import { Approvals } from '../components/approval-card.tsx';
import { MessageText } from '../components/message-text.tsx';
import { useStores } from '../context.tsx';

/** The tool calls of a turn, as compact blocks the user can open. */
function Steps({ steps }: { steps: Turn['steps'] }) {
  if (steps.length === 0) return null;
  return (
    <div className="steps">
      {steps.map((s, i) => (
        <details
          key={i}
          className={`step step-${s.status}`}
          data-testid="tool-step"
          data-status={s.status}
        >
          <summary>
            <code>{s.name}</code> {s.target} — {s.status}
          </summary>
          <p>{s.summary}</p>
          {s.output && <pre className="block">{s.output}</pre>}
        </details>
      ))}
    </div>
  );
}

function LiveSteps({ turnId }: { turnId: string }) {
  const { useChat } = useStores();
  const steps = useChat((c) => c.liveSteps[turnId]);
  return steps ? <Steps steps={steps} /> : null;
}

function Reply({ turn, live }: { turn: Turn; live: string | undefined }) {
  if (turn.status === 'error' && turn.error) {
    return (
      <div
        className="message assistant error"
        data-testid="message-assistant"
        data-status="error"
        role="alert"
      >
        <strong>
          {turn.error.code === 'ModelNotInstalled' ? 'No model installed' : 'Something went wrong'}
        </strong>
        <p>{turn.error.message}</p>
      </div>
    );
  }
  const text = live ?? turn.assistantText;
  const streaming = live !== undefined;
  return (
    <div
      className={`message assistant ${streaming ? 'streaming' : ''}`}
      data-testid="message-assistant"
      data-status={streaming ? 'streaming' : turn.status}
    >
      {text ? (
        <MessageText text={text} />
      ) : streaming ? (
        <span className="typing" aria-label="thinking">
          …
        </span>
      ) : null}
      {turn.status === 'stopped' && <span className="note"> (stopped)</span>}
    </div>
  );
}

export function ChatView() {
  const { useChat, useConversations, useInspector, usePolicy } = useStores();
  const { turns, live, send, stop, sendError } = useChat();
  const { activeId, create } = useConversations();
  const turnState = useInspector((s) => s.turnState);
  const personaName = useInspector((s) => s.persona?.displayName ?? 'Aether');
  const [text, setText] = useState('');
  const input = useRef<HTMLTextAreaElement>(null);
  const end = useRef<HTMLDivElement>(null);
  const busy = turnState !== 'idle' && turnState !== 'error';

  useEffect(() => {
    end.current?.scrollIntoView({ block: 'end' });
  }, [turns, live]);
  useEffect(() => {
    input.current?.focus();
  }, [activeId]);

  const submit = async () => {
    const message = text.trim();
    if (!message || busy) return;
    const conversationId = activeId ?? (await create()).id;
    setText('');
    if (!(await send(conversationId, message))) setText(message);
    // An approval card that appeared meanwhile keeps the focus: the keyboard answers it.
    if (usePolicy.getState().pending.length === 0) input.current?.focus();
  };
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      void submit();
    }
    if (e.key === 'Escape' && busy) {
      // While an approval waits, Escape answers it (deny) rather than stopping the turn.
      const [waiting] = usePolicy.getState().pending;
      if (waiting) void usePolicy.getState().respond(waiting, 'deny');
      else void stop();
    }
  };

  return (
    <main className="column center" aria-label="Chat">
      <header className="column-header">
        <h1>{personaName}</h1>
      </header>
      <div className="messages" aria-live="polite">
        {turns.length === 0 && <p className="empty">Say something to {personaName}.</p>}
        {turns.map((turn) => (
          <div className="turn" key={turn.id}>
            <div className="message user" data-testid="message-user">
              {turn.userText}
            </div>
            {live[turn.id] !== undefined ? (
              <LiveSteps turnId={turn.id} />
            ) : (
              <Steps steps={turn.steps} />
            )}
            <Reply turn={turn} live={live[turn.id]} />
          </div>
        ))}
        <div ref={end} />
      </div>
      {sendError && (
        <div className="send-error" role="alert" data-testid="send-error">
          {sendError}
        </div>
      )}
      <Approvals onAnswered={() => input.current?.focus()} />
      <form
        className="composer"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <textarea
          ref={input}
          data-testid="chat-input"
          value={text}
          rows={2}
          autoFocus
          placeholder={`Message ${personaName}…  (Enter to send, Shift+Enter for a new line)`}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKey}
          aria-label="Message"
        />
        {busy ? (
          <button
            type="button"
            className="stop"
            data-testid="chat-stop"
            onClick={() => {
              void stop();
              input.current?.focus();
            }}
          >
            Stop
          </button>
        ) : (
          <button type="submit" className="primary" data-testid="chat-send" disabled={!text.trim()}>
            Send
          </button>
        )}
      </form>
    </main>
  );
}
