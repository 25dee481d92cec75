// The microphone and what the host's ears say: whether voice is ready, and why words were not
// understood (no recogniser yet). Typing always works; this only adds a way in.
import type { VoiceStatus } from '../../engines/bus/index.ts';
import { say, type AetherClient } from '../ipc/client.ts';
import { startCapture, type Capture } from '../voice/capture.ts';
import { boundStore } from './bound.ts';

export type VoiceState = {
  status: VoiceStatus | null;
  micOn: boolean;
  /** What went wrong, in plain words, with what to do about it. */
  problem: string | null;
  toggle(): Promise<void>;
  reload(): Promise<void>;
};

type Start = (send: (frame: Uint8Array) => void) => Promise<Capture>;

export function createVoiceStore(client: AetherClient, start: Start = startCapture) {
  let capture: Capture | null = null;
  return boundStore<VoiceState>(
    (set, get) => ({
      status: null,
      micOn: false,
      problem: null,
      reload: async () => set({ status: await client.invoke('voice.get_status', {}) }),
      async toggle() {
        if (get().micOn) {
          capture?.stop();
          capture = null;
          return set({ micOn: false });
        }
        try {
          capture = await start((frame) => client.sendAudio(frame));
          set({ micOn: true, problem: null });
        } catch (error) {
          // Permission denied, or no microphone: say so; typing goes on.
          set({
            problem: `The microphone could not be opened (${say(error)}). You can still type.`,
          });
        }
      },
    }),
    (_get, set) => [
      client.on('voice.status_changed', (e) => set({ status: e.payload })),
      client.on('voice.not_understood', (e) => set({ problem: e.payload.message })),
      client.on('turn.state_changed', (e) => {
        if (e.payload.state === 'listening') set({ problem: null });
      }),
    ],
  );
}
