#!/usr/bin/env node
// The installed `irqlab` command: runs the TypeScript CLI through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('../core/cli/run.ts');
