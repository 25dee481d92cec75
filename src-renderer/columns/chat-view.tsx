// Center column: the conversation, the reply streaming in, a stop button, errors in place,
// and an input that keeps focus.
import { useEffect, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import type { Turn } from '../../engines/bus/index.ts';
import { Approvals } from '../components/approval-card.tsx';
import { MessageText } from '../components/message-text.tsx';
import {
  VoiceOutputToggle,
  VoiceState,
  VoiceToggle,
  VoiceTranscript,
} from '../components/voice-controls.tsx';
import { useStores } from '../context.tsx';
import { PresenceStage, StageToggle } from '../components/presence-stage.tsx';
import { PostureBadge } from '../trust/posture-badge.tsx';

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

function Messages({ personaName }: { personaName: string }) {
  const { useChat } = useStores();
  const { turns, live } = useChat();
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'end' });
  }, [turns, live]);
  return (
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
  );
}

type ComposerProps = {
  input: RefObject<HTMLTextAreaElement | null>;
  busy: boolean;
  personaName: string;
};

/** The message being typed, and sending it (into a new conversation when none is open). */
function useDraft(input: ComposerProps['input'], busy: boolean) {
  const { useChat, useConversations, usePolicy } = useStores();
  const send = useChat((s) => s.send);
  const preload = useChat((s) => s.preload);
  const { activeId, create } = useConversations();
  const [text, setDraft] = useState('');
  const setText = (value: string) => {
    setDraft(value);
    if (activeId) preload(activeId, value);
  };
  const submit = async () => {
    const message = text.trim();
    if (!message || busy) return;
    const conversationId = activeId ?? (await create()).id;
    setText('');
    if (!(await send(conversationId, message))) setText(message);
    // An approval card that appeared meanwhile keeps the focus: the keyboard answers it.
    if (usePolicy.getState().pending.length === 0) input.current?.focus();
  };
  return { text, setText, submit };
}

/** Space held in an empty box talks (push-to-talk); Escape stops a spoken reply first. */
function useVoiceKeys(text: string) {
  const { useVoice } = useStores();
  const voice = useVoice.getState;
  const down = (e: KeyboardEvent<HTMLTextAreaElement>): boolean => {
    if (e.key === ' ' && !text && !e.repeat) {
      e.preventDefault();
      void voice().holdToTalk(true);
      return true;
    }
    if (e.key === ' ' && !text) return (e.preventDefault(), true);
    if (e.key === 'Escape' && voice().speaking) {
      void voice().stopSpeaking();
      return true;
    }
    return false;
  };
  const up = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === ' ' && voice().pushToTalk) void voice().holdToTalk(false);
  };
  return { down, up };
}

function Composer({ input, busy, personaName }: ComposerProps) {
  const { useChat, usePolicy } = useStores();
  const stop = useChat((s) => s.stop);
  const { text, setText, submit } = useDraft(input, busy);
  const voiceKeys = useVoiceKeys(text);
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (voiceKeys.down(e)) return;
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
        onKeyUp={voiceKeys.up}
        aria-label="Message"
      />
      <VoiceToggle />
      <VoiceOutputToggle />
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
  );
}

export function ChatView() {
  const { useChat, useConversations, useInspector, useTrust } = useStores();
  const sendError = useChat((s) => s.sendError);
  const activeId = useConversations((s) => s.activeId);
  const turnState = useInspector((s) => s.turnState);
  const personaName = useInspector((s) => s.persona?.displayName ?? 'Aether');
  const input = useRef<HTMLTextAreaElement>(null);
  // Listening is not busy: typing always works, and the typed words become the turn.
  const busy = !['idle', 'error', 'listening', 'transcribing'].includes(turnState);
  useEffect(() => {
    input.current?.focus();
  }, [activeId]);

  return (
    <main className="column center" aria-label="Chat">
      <header className="column-header">
        <h1>{personaName}</h1>
        <PostureBadge />
        <button
          className="link"
          data-testid="open-settings"
          onClick={() => useTrust.getState().open('settings')}
        >
          Settings
        </button>
        <StageToggle />
      </header>
      <PresenceStage />
      <Messages personaName={personaName} />
      {sendError && (
        <div className="send-error" role="alert" data-testid="send-error">
          {sendError}
        </div>
      )}
      <Approvals onAnswered={() => input.current?.focus()} />
      <VoiceState />
      <VoiceTranscript />
      <Composer input={input} busy={busy} personaName={personaName} />
    </main>
  );
}
