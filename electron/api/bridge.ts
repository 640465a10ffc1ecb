// The shape of the object the preload script exposes as `window.irqlab` (types only).
import type { ApiResult } from './channels';

export interface IrqlabBridge {
  invoke(channel: string, request: unknown): Promise<ApiResult>;
  /** The desktop app's native menu: calls `listener` with a command id; returns an unsubscribe. */
  onMenuCommand?(listener: (commandId: string) => void): () => void;
}
