// Types of electron/node/host-malloc.mjs (plain JavaScript: scripts/start.mjs runs it as it is).
export const HOST_MALLOC_TUNABLE: string;
export function withHostMalloc(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
export function withoutHostMalloc(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
export const JOB_MALLOC_TUNABLES: string[];
export function withJobMalloc(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
