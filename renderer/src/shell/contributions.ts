// The command table routes each command to the part of the app that owns it (a mode, the runs,
// the session file), as VS Code routes commands to contributions: a part lists its commands with
// whether each can run now and what it does; the shell only looks them up.
import type { CommandId } from './commands';

export interface CommandHandler {
  /** Whether the command can run now (menus grey it out otherwise; keys do nothing). */
  enabled: boolean;
  run(): void;
}

/** The commands one part contributes, by id. */
export type Contribution<K extends CommandId> = Record<K, CommandHandler>;

/** Every command, each with exactly one owner: the type rejects a table that misses one. */
export type CommandTable = Record<CommandId, CommandHandler>;

export function commandRouter(table: CommandTable): {
  enabled(id: CommandId): boolean;
  run(id: CommandId): void;
} {
  return {
    enabled: (id) => table[id].enabled,
    run: (id) => {
      if (table[id].enabled) table[id].run();
    },
  };
}

/** The dialogs of the app: one open at a time, whichever part owns it. */
export type DialogId =
  'palette' | 'shortcuts' | 'guide' | 'about' | 'find' | 'saveAs' | 'injections' | 'profile';

export interface Dialogs {
  open: DialogId | null;
  show(id: DialogId | null): void;
}
