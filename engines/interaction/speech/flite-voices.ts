// The embedded voices by name (kept apart from flite.ts, so the host need not load node:wasi).
export const FLITE_VOICES = ['slt', 'kal', 'kal16', 'rms', 'awb'] as const;
/** Each voice's own pitch (Hz, measured), so a persona's `pitch: 1.2` means 20 % higher. */
export const BASE_F0: Record<string, number> = { slt: 167, kal: 98, kal16: 98, rms: 100, awb: 123 };
