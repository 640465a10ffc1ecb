import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../../core/model/presets';
import { parseMachine } from '../../../core/model/validate';
import { addDevice, duplicateDevice, removeDevice, setVfs } from './devices';
import { getAt, setAt, stringifyMachine, type Edit } from './document';
import { formatJsonPath, locateJsonPath, parseJsonPath } from './json-locate';

const example = () => PRESETS.example!.make();

function apply(edit: Edit) {
  const draft = structuredClone(example()) as unknown as Record<string, unknown>;
  edit(draft);
  return parseMachine(draft);
}

describe('JSON paths in the text', () => {
  it('reads and writes the paths problems are reported with', () => {
    for (const path of [
      '$.pci[3].msix.table_size',
      '$["odd key"][0]',
      '$',
      '$.cpus.list[12].apic_id',
    ])
      expect(formatJsonPath(parseJsonPath(path)!)).toBe(path);
    expect(parseJsonPath('2:14')).toBeNull();
  });

  it('finds the exact range of a value, and its key', () => {
    const text = stringifyMachine(example());
    const at = locateJsonPath(text, ['pci', 7, 'msix', 'table_size'])!;
    expect(JSON.parse(text.slice(at.start, at.end))).toBe(example().pci[7]!.msix!.table_size);
    expect(text.slice(at.keyStart!, at.start)).toMatch(/^"table_size":\s*$/);
  });

  it('falls back to the deepest part that exists when the path does not', () => {
    const text = stringifyMachine(example());
    const at = locateJsonPath(text, ['pci', 7, 'no_such_field'])!;
    expect(JSON.parse(text.slice(at.start, at.end)).bdf).toBe(example().pci[7]!.bdf);
  });

  it('finds a path behind 100,000 levels of nesting, and gives up on unclosed ones, without a stack overflow', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const text = `{"junk": ${deep}, "name": "x"}`;
    const at = locateJsonPath(text, ['name'])!;
    expect(text.slice(at.start, at.end)).toBe('"x"');
    expect(locateJsonPath('{"name": ' + '['.repeat(100_000), ['name'])).toBeNull();
  });

  it('gets and sets values by path, deleting with undefined', () => {
    const v = { a: [{ b: 1 }, { b: 2 }] } as Record<string, unknown>;
    setAt(v, ['a', 1, 'b'], 5);
    expect(getAt(v, ['a', 1, 'b'])).toBe(5);
    setAt(v, ['a', 0], undefined);
    expect(getAt(v, ['a'])).toEqual([{ b: 5 }]);
  });
});

describe('device edits from the graph', () => {
  it('removes a bridge with everything below it and every reference to what it removed', () => {
    const m = example();
    const port = m.pci.find((f) => f.bdf === '0000:00:01.0')!;
    const below = m.pci.filter((f) => f.parent === port.bdf).map((f) => f.bdf);
    expect(below.length).toBeGreaterThan(0);
    const withRefs = structuredClone(m);
    withRefs.irq_requests = [{ ...{ device: below[0]!, max_vecs: 2 } } as never];
    withRefs.probe_order = [below[0]!];
    const draft = structuredClone(withRefs) as unknown as Record<string, unknown>;
    removeDevice(withRefs, port)(draft);
    const result = parseMachine(draft);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.machine.pci.map((f) => f.bdf)).not.toContain(port.bdf);
      for (const b of below) expect(result.machine.pci.map((f) => f.bdf)).not.toContain(b);
      expect(result.machine.irq_requests).toEqual([]);
      expect(result.machine.probe_order).toEqual([]);
    }
  });

  it('duplicates a device at the next free slot of its bus, and the machine stays valid', () => {
    const m = example();
    const nvme = m.pci.find((f) => f.bdf === '0000:01:00.0')!;
    const { edit, bdf } = duplicateDevice(m, nvme);
    expect(bdf).toBe('0000:01:01.0');
    const result = apply(edit);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.machine.pci.find((f) => f.bdf === bdf)?.parent).toBe(nvme.parent);
  });

  it("adds a device on a bridge's secondary bus", () => {
    const m = example();
    const port = m.pci.find((f) => f.bdf === '0000:00:1c.0')!;
    const { edit, bdf } = addDevice(m, port);
    expect(Number.parseInt(bdf.split(':')[1]!, 16)).toBe(port.secondary_bus);
    const result = apply(edit);
    expect(result.ok).toBe(true);
  });

  it('enables VFs, adding SR-IOV to a device without it; more than TotalVFs is refused', () => {
    const m = example();
    const nic = m.pci.find((f) => f.bdf === '0000:02:00.0')!;
    const ok = apply(setVfs(nic, 4));
    expect(ok.ok).toBe(true);
    if (ok.ok) expect(ok.machine.pci.find((f) => f.bdf === nic.bdf)?.sriov?.num_vfs).toBe(4);
    const withSriov = structuredClone(m);
    withSriov.pci.find((f) => f.bdf === nic.bdf)!.sriov = {
      total_vfs: 2,
      num_vfs: 0,
      vf_device: '1520',
      first_vf_offset: 1,
      vf_stride: 1,
    };
    const draft = structuredClone(withSriov) as unknown as Record<string, unknown>;
    setVfs(
      withSriov.pci.find((f) => f.bdf === nic.bdf)!,
      3,
    )(draft);
    const refused = parseMachine(draft);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.errors[0]!.path).toMatch(/^\$\.pci\[\d+\]\.sriov\.num_vfs$/);
  });
});
