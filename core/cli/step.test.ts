import { describe, expect, it } from 'vitest';
import { main } from './main';

async function run(argv: string[], input: string[] = []) {
  let out = '';
  let err = '';
  async function* lines() {
    for (const l of input) yield l;
  }
  const code = await main(argv, {
    out: (t) => (out += t),
    err: (t) => (err += t),
    input: lines(),
  });
  return { code, out, err };
}

describe('irqlab step', () => {
  it('stops at a breakpoint, prints the stack, steps over and back', async () => {
    const r = await run(
      ['step', 'preset:seed-dmar-hwirq-fail', '--break', 'function:dmar_alloc_hwirq'],
      ['c', 'p stack', 'o', 'b 2', 'q'],
    );
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/^#0 \[step\] start_kernel\(\)$/);
    expect(lines[1]).toMatch(
      /^#\d+ \[breakpoint function dmar_alloc_hwirq\] dmar_alloc_hwirq\(id=\d+, node=-1\)$/,
    );
    expect(r.out).toMatch(/enable_drhd_fault_handling\(\)/);
    expect(r.out).toMatch(/\[over\] dmar_alloc_hwirq returned \d+/);
    expect(r.out).toMatch(/\[back to step \d+\]/);
  }, 60_000);

  it('says what is wrong with a command and goes on', async () => {
    const r = await run(['step', 'preset:example'], ['zz', 'break condition cpu 3', 'n', 'q']);
    expect(r.out).toContain('error: unknown command "zz"');
    expect(r.out).toContain('error: "cpu": a condition term is key=value');
    expect(r.out).toMatch(/#1 \[step\]/);
  }, 60_000);
});

describe('irqlab diff', () => {
  it('compares two profiles on the same machine', async () => {
    const r = await run([
      'diff',
      'preset:seed-vf-compat-blocked@v5.10-rc1',
      'preset:seed-vf-compat-blocked@v5.10',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      'faults: 2 only in preset:seed-vf-compat-blocked@v5.10-rc1, 0 only in preset:seed-vf-compat-blocked@v5.10',
    );
    expect(r.out).toMatch(/~ mlx5_async@pci:0000:42:00\.2: chip PCI-MSI -> IR-PCI-MSI/);
  });

  it('refuses an unknown profile', async () => {
    const r = await run(['diff', 'preset:example@v9', 'preset:example']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown profile v9');
  });
});
