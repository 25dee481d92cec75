// Voice beside the message box: the microphone (hands-free), voice output on/off, the words as
// they are recognised, and one line saying what voice is doing and what went wrong.
import { useStores } from '../context.tsx';

const SAYS: Record<string, string> = {
  listening: 'Listening…',
  transcribing: 'Getting your words…',
  barged_in: 'Go on, I am listening…',
};

export function VoiceToggle() {
  const { useVoice } = useStores();
  const { micOn, pushToTalk, toggle } = useVoice();
  return (
    <button
      type="button"
      data-testid="voice-toggle"
      aria-pressed={micOn && !pushToTalk}
      title={micOn ? 'Turn the microphone off' : 'Talk hands-free (or hold Space in an empty box)'}
      onClick={() => void toggle()}
    >
      {micOn ? 'Mic on' : 'Mic'}
    </button>
  );
}

export function VoiceOutputToggle() {
  const { useVoice } = useStores();
  const { outputOn, toggleOutput } = useVoice();
  return (
    <button
      type="button"
      data-testid="voice-output-toggle"
      aria-pressed={outputOn}
      title={outputOn ? 'Stop speaking replies aloud' : 'Speak replies aloud'}
      onClick={() => void toggleOutput()}
    >
      {outputOn ? 'Voice on' : 'Voice'}
    </button>
  );
}

/** Says a sample line in the persona's voice. */
export function VoicePreviewButton() {
  const { useVoice } = useStores();
  const { previewing, preview } = useVoice();
  return (
    <button
      type="button"
      data-testid="voice-preview"
      disabled={previewing}
      onClick={() => void preview()}
    >
      {previewing ? 'Speaking…' : 'Hear the voice'}
    </button>
  );
}

/** The words recognised so far, shown where the typed words would be. */
export function VoiceTranscript() {
  const { useVoice } = useStores();
  const transcript = useVoice((s) => s.transcript);
  if (!transcript) return null;
  return (
    <div className="voice-transcript" data-testid="voice-transcript" aria-live="polite">
      {transcript.toLowerCase()}…
    </div>
  );
}

export function VoiceState() {
  const { useVoice, useInspector } = useStores();
  const { micOn, status, problem, speaking } = useVoice();
  const turnState = useInspector((s) => s.turnState);
  if (!micOn && !problem && !speaking) return null;
  const line = speaking
    ? 'Speaking… (Escape to stop)'
    : (SAYS[turnState] ?? (status?.state === 'ready' ? 'Microphone on' : 'Starting voice…'));
  return (
    <div
      className="voice-state"
      role="status"
      data-testid="voice-state"
      data-speaking={speaking?.turnId ?? ''}
    >
      {(micOn || speaking) && <span>{line}</span>}
      {(micOn || speaking) && problem && ' · '}
      {problem && <span className="voice-problem">{problem}</span>}
    </div>
  );
}
