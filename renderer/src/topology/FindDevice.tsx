// Find a node of the graph by what a user would type: a BDF, a name, vendor:device, a socket,
// an IOAPIC, the HPET, an IOMMU.
import { useMemo, useState } from 'react';
import type { MachineDocument } from '../model/document';
import { Modal } from '../ui/Modal';
import { nodeIdOfPci } from './graph';

export function FindDevice({
  machine,
  onClose,
  onPick,
}: {
  machine: NonNullable<MachineDocument['shown']>;
  onClose(): void;
  onPick(id: string): void;
}) {
  const [q, setQ] = useState('');
  // Everything the graph has a node for, by the words a user would search with.
  const all = useMemo(() => {
    const items: { id: string; code: string; text: string }[] = [];
    const sockets = [...new Set(machine.cpus.list.map((c) => c.package))].sort((a, b) => a - b);
    for (const pkg of sockets)
      items.push({ id: `socket:${pkg}`, code: `socket ${pkg}`, text: `Socket ${pkg}` });
    machine.ioapics.forEach((io, i) =>
      items.push({ id: `ioapic:${i}`, code: io.address, text: `IOAPIC ${io.id}` }),
    );
    if (machine.hpet) items.push({ id: 'hpet', code: machine.hpet.address, text: 'HPET' });
    machine.iommus.forEach((u, i) =>
      items.push({ id: `iommu:${i}`, code: u.register_base, text: `IOMMU ${i} (${u.kind})` }),
    );
    for (const f of machine.pci)
      items.push({
        id: nodeIdOfPci(f.bdf),
        code: f.bdf,
        text: `${f.name ?? f.kind} ${f.vendor_device}${f.driver ? ` ${f.driver}` : ''}`,
      });
    return items;
  }, [machine]);
  const hits = useMemo(() => {
    const needle = q.toLowerCase();
    return all
      .filter((h) => !needle || `${h.code} ${h.text}`.toLowerCase().includes(needle))
      .slice(0, 50);
  }, [all, q]);
  return (
    <Modal title="Find in the machine" onClose={onClose} testId="find-device">
      <input
        className="palette-input"
        placeholder="BDF, name, vendor:device, socket, IOAPIC…"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        onKeyDown={(e) => e.key === 'Enter' && hits[0] && onPick(hits[0].id)}
        aria-label="Find"
      />
      <ul className="palette-list">
        {hits.map((h) => (
          <li key={h.id} onMouseDown={() => onPick(h.id)}>
            <code>{h.code}</code> {h.text}
          </li>
        ))}
      </ul>
    </Modal>
  );
}
