// The preload exposes exactly six things: invoke a command, listen to events, send an audio
// frame (16 kHz mono int16 bytes, checked in the main process like every other payload), hear
// the spoken replies (binary speech frames, engines/bus/speech-frame.ts), the avatar's frames at
// the rate asked, and hear the global push-to-talk shortcut.
// No Node, no Electron objects, and no raw ipcRenderer reach the page.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { BehaviorFrame, BridgeMessage, InvokeResult } from '../engines/bus/index.ts';

const api = {
  invoke: (request: { id: number; command: string; input: unknown }): Promise<InvokeResult> =>
    ipcRenderer.invoke('aether:invoke', request),
  /** With `afterSeq`, the host first replays what this page missed (after a reload). */
  on: (listener: (message: BridgeMessage) => void, afterSeq?: number): (() => void) => {
    const relay = (_e: IpcRendererEvent, message: BridgeMessage) => listener(message);
    ipcRenderer.on('aether:event', relay);
    ipcRenderer.send('aether:subscribe', afterSeq === undefined ? {} : { afterSeq });
    return () => {
      ipcRenderer.removeListener('aether:event', relay);
    };
  },
  audio: (frame: Uint8Array): void => ipcRenderer.send('aether:audio', frame),
  onSpeech: (listener: (frame: Uint8Array) => void): (() => void) => {
    const relay = (_e: IpcRendererEvent, frame: Uint8Array) => listener(frame);
    ipcRenderer.on('aether:speech', relay);
    return () => {
      ipcRenderer.removeListener('aether:speech', relay);
    };
  },
  /** The avatar's frames at `fps` (10, 30, 60; 0 stops them); returns the stop. */
  presence: (
    options: { fps: 0 | 10 | 30 | 60; reducedMotion: boolean },
    listener: (frame: BehaviorFrame) => void,
  ): (() => void) => {
    const relay = (_e: IpcRendererEvent, frame: BehaviorFrame) => listener(frame);
    ipcRenderer.on('aether:presence-frame', relay);
    ipcRenderer.send('aether:presence', options);
    return () => {
      ipcRenderer.removeListener('aether:presence-frame', relay);
      ipcRenderer.send('aether:presence', { fps: 0, reducedMotion: options.reducedMotion });
    };
  },
  onShortcut: (listener: (name: 'push-to-talk') => void): (() => void) => {
    const relay = (_e: IpcRendererEvent, name: 'push-to-talk') => listener(name);
    ipcRenderer.on('aether:shortcut', relay);
    return () => {
      ipcRenderer.removeListener('aether:shortcut', relay);
    };
  },
};

contextBridge.exposeInMainWorld('aether', api);
