// The import graph of core/, read from the sources with TypeScript's parser: every relative
// import, `import type`, `export ... from`, import() and import('...') type. It must have no cycle
// and no arrow against the layer order of scripts/layers.mjs (tests aside: they may drive any
// layer, and nothing imports them).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { isCoreTest, layerViolation } from '../scripts/layers.mjs';

type Graph = Map<string, Set<string>>;

function sourcesUnder(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.posix.join(dir, e.name);
    if (e.isDirectory()) sourcesUnder(p, out);
    else if (/\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** The file a relative specifier names (bundler resolution: no extension, or a folder's index). */
function resolveSpecifier(from: string, spec: string): string | null {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  for (const c of [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`])
    if (existsSync(c) && statSync(c).isFile()) return c;
  return null;
}

/** Every relative module specifier of a source file, type-only ones included. */
function specifiersOf(file: string): string[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    if (
      (ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) &&
      n.moduleSpecifier &&
      ts.isStringLiteral(n.moduleSpecifier)
    )
      out.push(n.moduleSpecifier.text);
    else if (
      ts.isImportTypeNode(n) &&
      ts.isLiteralTypeNode(n.argument) &&
      ts.isStringLiteral(n.argument.literal)
    )
      out.push(n.argument.literal.text);
    else if (
      ts.isCallExpression(n) &&
      n.expression.kind === ts.SyntaxKind.ImportKeyword &&
      n.arguments[0] &&
      ts.isStringLiteralLike(n.arguments[0])
    )
      out.push(n.arguments[0].text);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out.filter((s) => s.startsWith('.'));
}

function coreGraph(): Graph {
  const g: Graph = new Map();
  for (const f of sourcesUnder('core')) {
    const to = new Set<string>();
    for (const spec of specifiersOf(f)) {
      const target = resolveSpecifier(f, spec);
      if (target?.startsWith('core/')) to.add(target);
    }
    g.set(f, to);
  }
  return g;
}

/** The strongly connected components with more than one module (Tarjan): each holds a cycle. */
function cycles(g: Graph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of g.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || g.get(v)?.has(v)) out.push(scc.sort());
    }
  };
  for (const v of g.keys()) if (!index.has(v)) visit(v);
  return out;
}

function upwardArrows(g: Graph): string[] {
  const out: string[] = [];
  for (const [from, tos] of g) {
    if (isCoreTest(from)) continue;
    for (const to of tos) {
      const why = layerViolation(from, to);
      if (why) out.push(`${from} -> ${to}: ${why}`);
    }
  }
  return out;
}

describe('the import graph of core/', () => {
  const graph = coreGraph();

  it('is read from the sources: the scenario imports the kernel, the hardware and its own modules', () => {
    // Guards the parser: an empty graph would pass the checks below.
    expect(graph.size).toBeGreaterThan(100);
    const simulate = graph.get('core/scenario/simulate.ts')!;
    expect(simulate).toContain('core/kernel/kernel.ts');
    expect(simulate).toContain('core/hw/delivery.ts');
    expect(simulate).toContain('core/scenario/boot.ts');
    // `import type` counts: the kernel object's IOAPIC state.
    expect(graph.get('core/kernel/kernel.ts')).toContain('core/kernel/ioapic-state.ts');
  });

  it('has no cycle, type-only imports included', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('has no arrow against the layer order', () => {
    expect(upwardArrows(graph)).toEqual([]);
  });

  it('the checks find a cycle and an upward arrow where there is one', () => {
    const bad: Graph = new Map([
      ['core/kernel/a.ts', new Set(['core/kernel/b.ts'])],
      ['core/kernel/b.ts', new Set(['core/kernel/c.ts', 'core/scenario/simulate.ts'])],
      ['core/kernel/c.ts', new Set(['core/kernel/a.ts'])],
      ['core/scenario/simulate.ts', new Set(['core/kernel/a.ts'])],
    ]);
    expect(cycles(bad)).toEqual([
      ['core/kernel/a.ts', 'core/kernel/b.ts', 'core/kernel/c.ts', 'core/scenario/simulate.ts'],
    ]);
    expect(upwardArrows(bad)).toEqual([
      'core/kernel/b.ts -> core/scenario/simulate.ts: core/kernel may not import core/scenario: it is a higher layer (scripts/layers.mjs)',
    ]);
  });
});
