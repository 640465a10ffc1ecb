import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../shell/commands';
import { inline, parseMarkdown } from './markdown';
import guide from '../../../docs/user-guide.md?raw';

describe('the user guide', () => {
  const blocks = parseMarkdown(guide);

  it('reads into headings, paragraphs, lists, a table and code, with no Markdown left over', () => {
    expect(blocks[0]).toMatchObject({ kind: 'heading', level: 1, text: 'irqlab user guide' });
    const kinds = new Set(blocks.map((b) => b.kind));
    expect([...kinds].sort()).toEqual(['code', 'heading', 'list', 'paragraph', 'table']);
    const text = JSON.stringify(blocks.filter((b) => b.kind !== 'code'));
    expect(text).not.toMatch(/\*\*|\|\s*-{3}/);
  });

  it("lists the debugger's keys as the command table has them", () => {
    const table = blocks.find((b) => b.kind === 'table');
    expect(table?.kind).toBe('table');
    if (table?.kind !== 'table') return;
    for (const row of table.rows) {
      const key = row[0]!.map((s) => s.text).join('');
      expect(
        COMMANDS.some((c) => c.menu === 'Debug' && c.shortcut === key),
        key,
      ).toBe(true);
    }
  });

  it('keeps code and bold spans apart from the text', () => {
    expect(inline('Run **the boot** with `Ctrl+Enter`.')).toEqual([
      { kind: 'text', text: 'Run ' },
      { kind: 'bold', text: 'the boot' },
      { kind: 'text', text: ' with ' },
      { kind: 'code', text: 'Ctrl+Enter' },
      { kind: 'text', text: '.' },
    ]);
  });
});
