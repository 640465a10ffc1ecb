// Types of scripts/build-cli.mjs.
export const root: string;
export const CLI_DIR: string;
export function buildCli(options?: {
  outdir?: string;
  ifStale?: boolean;
}): Promise<{ built: boolean; inputs?: number }>;
export const HOST_DIR: string;
export function buildHost(options?: {
  outdir?: string;
  ifStale?: boolean;
}): Promise<{ built: boolean; inputs?: number }>;
