// The layer rules of docs/architecture.md, as the lint setup enforces them.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

async function restrictedImports(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message);
}

describe('layers', () => {
  it('core/ may not import Electron, React or Monaco', async () => {
    for (const mod of ['electron', 'react', 'monaco-editor']) {
      const errors = await restrictedImports(
        'core/kernel/x.ts',
        `import * as m from '${mod}';\nvoid m;\n`,
      );
      expect(errors, mod).not.toHaveLength(0);
    }
  });

  it('core/ may not import the shell or the UI', async () => {
    const errors = await restrictedImports(
      'core/kernel/x.ts',
      `import { channels } from '../../electron/api/channels';\nvoid channels;\n`,
    );
    expect(errors).not.toHaveLength(0);
  });

  it('the portable part of core/ may not import Node built-ins, but core/store may', async () => {
    const src = `import { readFileSync } from 'node:fs';\nvoid readFileSync;\n`;
    expect(await restrictedImports('core/kernel/x.ts', src)).not.toHaveLength(0);
    expect(await restrictedImports('core/model/x.ts', src)).not.toHaveLength(0);
    expect(await restrictedImports('core/store/x.ts', src)).toHaveLength(0);
    expect(await restrictedImports('core/cli/x.ts', src)).toHaveLength(0);
  });

  it('the renderer may use the channel types but not Node, Electron or the service', async () => {
    expect(
      await restrictedImports(
        'renderer/src/x.ts',
        `import type { ChannelName } from '../../electron/api/channels';\nexport type T = ChannelName;\n`,
      ),
    ).toHaveLength(0);
    for (const mod of ['electron', 'node:fs', 'better-sqlite3', '../../electron/api/service']) {
      const errors = await restrictedImports(
        'renderer/src/x.ts',
        `import * as m from '${mod}';\nvoid m;\n`,
      );
      expect(errors, mod).not.toHaveLength(0);
    }
  });

  it('electron/ may not import the renderer', async () => {
    const errors = await restrictedImports(
      'electron/main/x.ts',
      `import { App } from '../../renderer/src/App';\nvoid App;\n`,
    );
    expect(errors).not.toHaveLength(0);
  });
});
