// Types of scripts/layers.mjs (plain JavaScript: eslint.config.js imports it).
export const CORE_LAYERS: readonly (readonly string[])[];
export function coreFolderOf(path: string): string | null;
export function coreTierOf(folder: string): number | undefined;
export function isCoreTest(path: string): boolean;
export function layerViolation(from: string, to: string): string | null;
