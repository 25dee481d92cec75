// The preload exposes exactly two things: invoke a command, and listen to events. No Node,
// no Electron objects, and no raw ipcRenderer reach the page.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { BridgeMessage, InvokeResult } from '../engines/bus/index.ts';

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
};

contextBridge.exposeInMainWorld('aether', api);
