// The microphone button beside the message box, and one line saying what voice is doing.
import { useStores } from '../context.tsx';

const SAYS: Record<string, string> = {
  listening: 'Listening…',
  transcribing: 'Getting your words…',
};

export function VoiceToggle() {
  const { useVoice } = useStores();
  const micOn = useVoice((s) => s.micOn);
  const toggle = useVoice((s) => s.toggle);
  return (
    <button
      type="button"
      data-testid="voice-toggle"
      aria-pressed={micOn}
      title={micOn ? 'Turn the microphone off' : 'Talk instead of typing'}
      onClick={() => void toggle()}
    >
      {micOn ? 'Mic on' : 'Mic'}
    </button>
  );
}

export function VoiceState() {
  const { useVoice, useInspector } = useStores();
  const { micOn, status, problem } = useVoice();
  const turnState = useInspector((s) => s.turnState);
  if (!micOn && !problem) return null;
  const line = SAYS[turnState] ?? (status?.state === 'ready' ? 'Microphone on' : 'Starting voice…');
  return (
    <div className="voice-state" role="status" data-testid="voice-state">
      {micOn && <span>{line}</span>}
      {micOn && problem && ' · '}
      {problem && <span className="voice-problem">{problem}</span>}
    </div>
  );
}
