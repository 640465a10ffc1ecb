// Structural edits of the PCI tree from the graph: add a device below a bridge, remove one (with
// everything below it and every reference to it), duplicate one at the next free slot, enable VFs.
// Each is an Edit on the machine's JSON; the document applies it only if the result is valid.
import type { Machine, PciFunction } from '../../../core/model/schema';
import type { Edit } from './document';

type RawFunction = Record<string, unknown> & { bdf: string; parent?: string | null };

const hex2 = (n: number) => n.toString(16).padStart(2, '0');

function split(bdf: string) {
  const [seg, bus, devfn] = bdf.split(':');
  const [dev, fn] = devfn!.split('.');
  return { seg: seg!, bus: parseInt(bus!, 16), dev: parseInt(dev!, 16), fn: parseInt(fn!, 16) };
}

/** The first device number on a bus of a segment with no function in use. */
function freeSlot(machine: Machine, seg: string, bus: number, from = 0): string {
  const used = new Set(
    machine.pci
      .map((f) => split(f.bdf))
      .filter((b) => b.seg === seg && b.bus === bus)
      .map((b) => b.dev),
  );
  for (let dev = from; dev < 32; dev++)
    if (!used.has(dev)) return `${seg}:${hex2(bus)}:${hex2(dev)}.0`;
  throw new Error(`bus ${seg}:${hex2(bus)} has no free device number`);
}

/** A new endpoint below `parent` (a bridge: on its secondary bus), or on bus 00 of segment 0000. */
export function addDevice(
  machine: Machine,
  parent: PciFunction | null,
): { edit: Edit; bdf: string } {
  let bdf: string;
  if (parent && parent.kind !== 'host-bridge') {
    if (parent.secondary_bus === undefined)
      throw new Error(`${parent.bdf} has no secondary bus: set secondary_bus first`);
    bdf = freeSlot(machine, split(parent.bdf).seg, parent.secondary_bus);
  } else {
    const seg = parent ? split(parent.bdf).seg : '0000';
    const bus = parent ? split(parent.bdf).bus : 0;
    bdf = freeSlot(machine, seg, bus, 1);
  }
  const fn: RawFunction = {
    bdf,
    vendor_device: '8086:10d3',
    class: '0x020000',
    kind: 'endpoint',
    parent: parent && parent.kind !== 'host-bridge' ? parent.bdf : null,
    name: 'New device',
    intx_pin: 'A',
    msi: { vectors_max: 1, is_64bit: true, per_vector_mask: false },
    msix: { table_size: 4, bar: 0, offset: '0x0' },
  };
  return {
    bdf,
    edit: (draft) => {
      (draft.pci as RawFunction[]).push(fn);
    },
  };
}

/** Removes a function, everything below it, and every reference to the removed ones. */
export function removeDevice(machine: Machine, target: PciFunction): Edit {
  const gone = new Set([target.bdf]);
  for (let grew = true; grew;) {
    grew = false;
    for (const f of machine.pci)
      if (f.parent && gone.has(f.parent) && !gone.has(f.bdf)) {
        gone.add(f.bdf);
        grew = true;
      }
  }
  return (draft) => {
    draft.pci = (draft.pci as RawFunction[]).filter((f) => !gone.has(f.bdf));
    if (Array.isArray(draft.irq_requests))
      draft.irq_requests = (draft.irq_requests as { device: string }[]).filter(
        (r) => !gone.has(r.device),
      );
    if (Array.isArray(draft.probe_order))
      draft.probe_order = (draft.probe_order as string[]).filter((b) => !gone.has(b));
  };
}

/** A copy of a function at the next free device number on its bus (bridges: without children). */
export function duplicateDevice(
  machine: Machine,
  target: PciFunction,
): { edit: Edit; bdf: string } {
  const b = split(target.bdf);
  const bdf = freeSlot(machine, b.seg, b.bus, b.dev + 1);
  return {
    bdf,
    edit: (draft) => {
      const list = draft.pci as RawFunction[];
      const i = list.findIndex((f) => f.bdf === target.bdf);
      if (i < 0) throw new Error(`${target.bdf} is not in the machine`);
      const copy = structuredClone(list[i]!) as RawFunction;
      copy.bdf = bdf;
      if (typeof copy.name === 'string') copy.name = `${copy.name} (copy)`;
      // A duplicated bridge would claim the same buses: it gets none until the user sets them.
      delete copy.secondary_bus;
      delete copy.subordinate_bus;
      list.splice(i + 1, 0, copy);
    },
  };
}

/** Enables n VFs (sriov_numvfs); a device without SR-IOV gets the capability first. */
export function setVfs(target: PciFunction, n: number): Edit {
  return (draft) => {
    const f = (draft.pci as RawFunction[]).find((x) => x.bdf === target.bdf);
    if (!f) throw new Error(`${target.bdf} is not in the machine`);
    const sriov = (f.sriov as Record<string, unknown> | null | undefined) ?? {
      total_vfs: Math.max(8, n),
      vf_device: target.vendor_device.split(':')[1],
      first_vf_offset: 1,
      vf_stride: 1,
    };
    f.sriov = { ...sriov, num_vfs: n };
  };
}
