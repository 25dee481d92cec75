// The preload exposes exactly two things: invoke a command, and listen to events. No Node,
// no Electron objects, and no raw ipcRenderer reach the page.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { Envelope, InvokeResult } from '../engines/bus/index.ts';

const api = {
  invoke: (request: { id: number; command: string; input: unknown }): Promise<InvokeResult> =>
    ipcRenderer.invoke('aether:invoke', request),
  on: (listener: (event: Envelope) => void): (() => void) => {
    const relay = (_e: IpcRendererEvent, event: Envelope) => listener(event);
    ipcRenderer.on('aether:event', relay);
    ipcRenderer.send('aether:subscribe');
    return () => {
      ipcRenderer.removeListener('aether:event', relay);
    };
  },
};

contextBridge.exposeInMainWorld('aether', api);
