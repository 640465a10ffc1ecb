// Worker bootstrap when running from source (browser mode, tests): tsx's loader, then the worker.
import { register } from 'tsx/esm/api';

register();
await import('./simulation-worker.ts');
