// The preload bridge: the renderer gets `irqlab.invoke(channel, request)`, which forwards plain
// data over one IPC channel, and `onMenuCommand`, the native menu's command ids. No Node or
// Electron object crosses the bridge.
import { contextBridge, ipcRenderer } from 'electron';
import type { IrqlabBridge } from '../api/bridge';

const IPC_INVOKE = 'irqlab:invoke'; // = channels.ts IPC_INVOKE; kept literal so zod stays out of the preload

const IPC_MENU = 'irqlab:menu'; // sent by main.ts's native menu: a command id, nothing else

// A command sent before the page listens (a file the OS asked to open at start-up) waits for
// its first listener instead of being lost.
const early: string[] = [];
let listening = 0;
ipcRenderer.on(IPC_MENU, (_event: unknown, commandId: unknown) => {
  if (listening === 0 && typeof commandId === 'string' && early.length < 16) early.push(commandId);
});

const bridge: IrqlabBridge = {
  invoke: (channel, request) => ipcRenderer.invoke(IPC_INVOKE, channel, request),
  onMenuCommand: (listener) => {
    const handler = (_event: unknown, commandId: unknown) => {
      if (typeof commandId === 'string') listener(commandId);
    };
    ipcRenderer.on(IPC_MENU, handler);
    listening++;
    for (const commandId of early.splice(0)) listener(commandId);
    return () => {
      listening--;
      ipcRenderer.removeListener(IPC_MENU, handler);
    };
  },
};

contextBridge.exposeInMainWorld('irqlab', bridge);
