// The preload bridge: the renderer gets exactly one function, `irqlab.invoke(channel, request)`,
// which forwards plain data over one IPC channel. No Node or Electron object crosses the bridge.
import { contextBridge, ipcRenderer } from 'electron';
import type { IrqlabBridge } from '../api/bridge';

const IPC_INVOKE = 'irqlab:invoke'; // = channels.ts IPC_INVOKE; kept literal so zod stays out of the preload

const bridge: IrqlabBridge = {
  invoke: (channel, request) => ipcRenderer.invoke(IPC_INVOKE, channel, request),
};

contextBridge.exposeInMainWorld('irqlab', bridge);
