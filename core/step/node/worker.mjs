// Worker bootstrap from source (tests, CLI, browser mode): tsx's loader, then the worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
