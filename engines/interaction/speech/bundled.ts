// The voice activity model that ships with Aether (speech/silero-vad, MIT; decision 0016), and
// how it listens: 250 ms of silence ends what was said; under 100 ms is not speech. While a reply
// plays, speech must be surer (0.75, as Pipecat's 0.7) and last 150 ms before it counts: the
// reply's own sound and its clicks come back through the speakers.
export const BUNDLED_VAD = {
  sha256: '1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3',
  threshold: 0.5,
  minSilenceMs: 250,
  minSpeechMs: 100,
  overReply: { threshold: 0.75, holdMs: 150 },
};
