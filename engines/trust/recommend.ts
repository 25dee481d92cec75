// Which model suits this computer, decided before anything is downloaded (issue 14, first run):
// a pure function of what the hardware is and what the catalog offers. A model must fit in
// 85 % of the memory that is free; each chat model is labelled fits / tight / too big, and the
// pick comes with a smaller (faster) and a larger (better) alternative. When the hardware could
// not be read, the smallest model is the safe choice and the sentence says why.
import type { CatalogEntry } from '../bus/index.ts';

export type Hardware = {
  totalRamBytes: number;
  /** Memory free for a model now (the OS's "available", not "free"). */
  freeRamBytes: number;
  cores: number;
  /** A GPU the model can use, or why none is used. */
  gpu: { name: string; vramBytes: number } | { none: string };
  freeDiskBytes: number;
};

export type Fit = 'fits' | 'tight' | 'too big' | 'no room on disk' | 'unknown';

export type Option = { entry: CatalogEntry; fit: Fit; needBytes: number };

export type Recommendation = {
  pick: Option | null;
  smaller: Option | null;
  larger: Option | null;
  embedding: Option | null;
  /** Every chat model, smallest first, with its label. */
  chat: Option[];
  /** What fits, in a sentence, shown with the hardware before any choice. */
  sentence: string;
};

/** A model's weights plus its context and runtime, as loaded (measured: ≈ 1.2× the file + 300 MB). */
export const memoryNeeded = (entry: Pick<CatalogEntry, 'sizeBytes'>) =>
  Math.round(entry.sizeBytes * 1.2 + 300e6);

const USABLE = 0.85;
const COMFORT = 0.65;
const gb = (bytes: number) => `${(bytes / 1e9).toFixed(bytes < 10e9 ? 1 : 0)} GB`;

function fitOf(entry: CatalogEntry, hw: Hardware | null): Fit {
  if (hw && entry.sizeBytes > hw.freeDiskBytes) return 'no room on disk';
  return memoryFit(entry, hw);
}

/** Whether a model file already on disk (a GGUF the user has) fits in memory. */
export function memoryFit(entry: Pick<CatalogEntry, 'sizeBytes'>, hw: Hardware | null): Fit {
  if (!hw) return 'unknown';
  // A GPU's own memory holds what is offloaded to it; the rest is in RAM.
  const room = hw.freeRamBytes + ('vramBytes' in hw.gpu ? hw.gpu.vramBytes : 0);
  const need = memoryNeeded(entry);
  if (need <= room * COMFORT) return 'fits';
  return need <= room * USABLE ? 'tight' : 'too big';
}

function describe(hw: Hardware): string {
  const gpu =
    'name' in hw.gpu ? `a ${hw.gpu.name} (${gb(hw.gpu.vramBytes)})` : `no GPU (${hw.gpu.none})`;
  return `This computer has ${gb(hw.totalRamBytes)} of memory (${gb(hw.freeRamBytes)} free), ${hw.cores} cores, ${gpu} and ${gb(hw.freeDiskBytes)} free on disk`;
}

function sentenceFor(hw: Hardware | null, pick: Option | null): string {
  if (!hw)
    return pick
      ? `Aether could not read this computer's memory, so the smallest model, ${pick.entry.name}, is the safe choice.`
      : 'Aether could not read this computer, and offers no chat model to download.';
  if (!pick)
    return `${describe(hw)}: no chat model Aether offers fits; add a smaller GGUF file or use a model server.`;
  const how =
    pick.fit === 'fits'
      ? 'fits comfortably'
      : pick.fit === 'tight'
        ? 'fits, tightly (close other apps while it runs)'
        : 'is the smallest, but may not fit';
  return `${describe(hw)}: ${pick.entry.name} ${how}.`;
}

/** The model for this computer and its alternatives; `hw` is null when detection failed. */
export function recommend(hw: Hardware | null, catalog: CatalogEntry[]): Recommendation {
  const option = (entry: CatalogEntry): Option => ({
    entry,
    fit: fitOf(entry, hw),
    needBytes: memoryNeeded(entry),
  });
  const chat = catalog
    .filter((e) => e.purpose === 'chat')
    .sort((a, b) => a.sizeBytes - b.sizeBytes)
    .map(option);
  const usable = (fits: Fit[]) => chat.filter((o) => fits.includes(o.fit)).at(-1) ?? null;
  const pick = hw
    ? (usable(['fits']) ?? usable(['tight']) ?? chat.find((o) => o.fit === 'too big') ?? null)
    : (chat[0] ?? null);
  const at = pick ? chat.indexOf(pick) : -1;
  const embeddings = catalog.filter((e) => e.purpose === 'embedding').map(option);
  return {
    pick,
    smaller: at > 0 ? chat[at - 1]! : null,
    larger: at >= 0 && at < chat.length - 1 ? chat[at + 1]! : null,
    embedding:
      embeddings.find((o) => o.entry.recommended && o.fit !== 'too big') ??
      embeddings.find((o) => o.fit !== 'too big') ??
      null,
    chat,
    sentence: sentenceFor(hw, pick),
  };
}
