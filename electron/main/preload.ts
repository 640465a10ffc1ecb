// The preload bridge: the renderer gets `irqlab.invoke(channel, request)`, which forwards plain
// data over one IPC channel, and `onMenuCommand`, the native menu's command ids. No Node or
// Electron object crosses the bridge.
import { contextBridge, ipcRenderer } from 'electron';
import type { IrqlabBridge } from '../api/bridge';

const IPC_INVOKE = 'irqlab:invoke'; // = channels.ts IPC_INVOKE; kept literal so zod stays out of the preload

const IPC_MENU = 'irqlab:menu'; // sent by main.ts's native menu: a command id, nothing else

const bridge: IrqlabBridge = {
  invoke: (channel, request) => ipcRenderer.invoke(IPC_INVOKE, channel, request),
  onMenuCommand: (listener) => {
    const handler = (_event: unknown, commandId: unknown) => {
      if (typeof commandId === 'string') listener(commandId);
    };
    ipcRenderer.on(IPC_MENU, handler);
    return () => ipcRenderer.removeListener(IPC_MENU, handler);
  },
};

contextBridge.exposeInMainWorld('irqlab', bridge);
