// The layer rules of docs/architecture.md, as the lint setup enforces them.
import { readdirSync } from 'node:fs';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { CORE_LAYERS, layerViolation } from './layers.mjs';

const eslint = new ESLint();

async function restrictedImports(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message);
}

async function coreLayerErrors(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'irqlab/core-layers')
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

describe('the layers of core/ (scripts/layers.mjs)', () => {
  it('a module may import lower layers: hw the kernel, the scenario hw and the kernel', async () => {
    const src = (spec: string) => `import * as m from '${spec}';\nvoid m;\n`;
    expect(await coreLayerErrors('core/hw/x.ts', src('../kernel/kernel'))).toHaveLength(0);
    expect(await coreLayerErrors('core/scenario/x.ts', src('../hw/delivery'))).toHaveLength(0);
    expect(await coreLayerErrors('core/step/x.ts', src('../scenario'))).toHaveLength(0);
    expect(await coreLayerErrors('core/kernel/iommu/x.ts', src('../kernel'))).toHaveLength(0);
  });

  it('a module may not import its own tier or a higher one, in any import form', async () => {
    const forms = [
      `import { simulate } from '../scenario';\nvoid simulate;\n`,
      `import type { FireResult } from '../hw/delivery';\nexport type T = FireResult;\n`,
      `export { fire } from '../hw/delivery';\n`,
      `export const m = () => import('../scenario/simulate');\n`,
      `export type T = import('../scenario').SimulationResult;\n`,
    ];
    for (const src of forms)
      expect(await coreLayerErrors('core/kernel/x.ts', src), src).toHaveLength(1);
    expect(
      await coreLayerErrors(
        'core/kernel/drivers/x.ts',
        `import { boot } from '../../scenario/boot';\nvoid boot;\n`,
      ),
    ).toHaveLength(1);
    // The same tier: the stepping engine does not reach into the importers.
    expect(
      await coreLayerErrors(
        'core/step/x.ts',
        `import { merge } from '../import/merge';\nvoid merge;\n`,
      ),
    ).toHaveLength(1);
  });

  it('tests may drive any layer', async () => {
    const src = `import { simulate } from '../scenario';\nvoid simulate;\n`;
    expect(await coreLayerErrors('core/kernel/x.test.ts', src)).toHaveLength(0);
  });

  it('the order names every folder of core/ and no folder twice', () => {
    const named = CORE_LAYERS.flat();
    expect(new Set(named).size).toBe(named.length);
    const folders = readdirSync('core', { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    for (const f of folders) expect(named, `core/${f}`).toContain(f);
    expect(layerViolation('core/kernel/x.ts', 'core/nowhere/y.ts')).toMatch(
      /not in the layer order/,
    );
  });
});
