// Types of scripts/stamp.mjs (plain JavaScript: bin/irqlab.mjs runs it without a transpiler).
export interface StampState {
  fresh: boolean;
  reason?: string;
}
export interface Stamp {
  version: number;
  inputs: [string, number, number][];
  outputs: [string, number][];
}
export function writeStamp(
  stampFile: string,
  build: { root: string; inputs: string[]; outputs: string[]; startedAt: number },
): Stamp;
export function checkStamp(stampFile: string, root: string): StampState;
export function filesUnder(dir: string): string[];
export function ownInputs(inputs: string[], root: string): string[];
