// What the state at a stop means, said the way an engineer would: why a message has the format
// it has, what an oops or a failing return is. Read from the state only (the chain, the message
// and its decoding, the stack), so it holds at any step.
import type { StepStateView } from '../../../electron/api/channels';
import { hexBig, hexNumber } from '../ui/hex';
import { decodeMsi } from '../../../core/hw/decode';

export interface Finding {
  level: 'bad' | 'info';
  title: string;
  lines: string[];
}

const ERRNO: Record<number, string> = {
  1: 'EPERM',
  2: 'ENOENT',
  5: 'EIO',
  6: 'ENXIO',
  12: 'ENOMEM',
  16: 'EBUSY',
  17: 'EEXIST',
  19: 'ENODEV',
  22: 'EINVAL',
  28: 'ENOSPC',
  34: 'ERANGE',
  38: 'ENOSYS',
  95: 'EOPNOTSUPP',
  524: 'ENOTSUPP',
};

export function errnoName(ret: number): string {
  return ret < 0 && ERRNO[-ret] ? `-${ERRNO[-ret]}` : String(ret);
}

/**
 * Why the debugger stopped, in words: the engine's reason ("step", "into msi_domain_alloc",
 * "breakpoint ..."), except at step 0 of a run, where nothing has run yet and "step" says nothing.
 */
export function stopReason(s: Pick<StepStateView, 'seq' | 'reason'>): string {
  if (s.seq === 0 && (s.reason === 'step' || s.reason === 'step 0'))
    return 'at the start of the run (step 0): nothing has run yet';
  return s.reason;
}

/** The CPUs of the vector matrix that hold anything yet (none before the matrix is set up). */
export function matrixRowsInUse(s: Pick<StepStateView, 'matrix'>): StepStateView['matrix'] {
  return s.matrix.filter(
    (m) =>
      m.available > 0 || m.allocated > 0 || m.managed > 0 || m.managedAllocated > 0 || m.vectors,
  );
}

const isRemapLevel = (domain: string) =>
  /^(INTEL-IR|AMD-IR|IR-)/.test(domain) && !/MSI/.test(domain);

export function diagnose(s: StepStateView, isVf: (bdf: string) => boolean): Finding[] {
  const out: Finding[] = [];
  const chain = s.chain.map((c) => c.domain);
  if (s.message) {
    const m = s.message;
    const d = decodeMsi(hexBig(m.address), hexNumber(m.data));
    if (d.format === 'compatibility') {
      const lines = [
        `${m.device} entry ${m.entry}: address ${m.address} data ${m.data} names the CPU (destination 0x${(d.destination ?? 0).toString(16)}) and vector ${d.vector} itself (address bit 4 clear).`,
        chain.length
          ? `The irq's chain is ${chain.join(' → ')}: ${chain.some(isRemapLevel) ? 'it has a remapping level, yet' : 'there is no interrupt-remapping level (INTEL-IR-n), so'} VECTOR composed the message (__irq_msi_compose_msg).`
          : 'The message was composed by VECTOR (__irq_msi_compose_msg).',
      ];
      if (s.remapping !== 'off') {
        lines.push(
          `Interrupt remapping is on (${s.remapping} mode): the IOMMU blocks every compatibility-format request — DMAR fault reason 0x25 (37), "Blocked a compatibility format interrupt request".`,
        );
        if (/^PCI-MSI/.test(chain[0] ?? '') && isVf(m.device))
          lines.push(
            `${m.device} is an SR-IOV VF: it kept the default PCI-MSI domain instead of getting its PF's IR MSI domain (INTEL-IR-MSI-n). That is 5.10-rc1; 5.10-rc4 fixed it (ff828729be44: VFs inherit the PF's MSI domain).`,
          );
      }
      out.push({
        level: s.remapping !== 'off' ? 'bad' : 'info',
        title:
          s.remapping !== 'off'
            ? 'Compatibility-format message under interrupt remapping: it will be blocked'
            : 'Compatibility-format message',
        lines,
      });
    } else if (d.format === 'remappable') {
      out.push({
        level: 'info',
        title: 'Remappable-format message',
        lines: [
          `${m.device} entry ${m.entry}: handle ${d.handle}${d.subhandleValid ? ` + sub-handle ${d.subhandle}` : ''} → IRTE ${d.index}; the IRTE holds the CPU and vector.`,
          ...(chain.length ? [`Chain: ${chain.join(' → ')}.`] : []),
        ],
      });
    }
  }
  const ev = s.event;
  if (ev.kind === 'fault' && ev.fn === 'oops') {
    const lines = [ev.text || 'The kernel oopsed.'];
    const frames = s.stack.map((f) => f.fn);
    if (frames.includes('msi_domain_alloc'))
      lines.push(
        'msi_domain_alloc() calls msi_domain_ops.get_hwirq of its domain: here it is NULL — the domain info lacks MSI_FLAG_USE_DEF_DOM_OPS, so the default ops were never filled in (RIP: 0010:0x0).',
      );
    if (frames.includes('dmar_alloc_hwirq'))
      lines.push(
        'It happens under dmar_alloc_hwirq(): the first DMAR fault interrupt, early in the boot — the machine never gets further.',
      );
    out.push({ level: 'bad', title: 'Kernel oops', lines });
  } else if (ev.kind === 'fault' && out.length === 0) {
    out.push({
      level: 'bad',
      title: 'Fault',
      lines: [ev.text || ev.fn, ...(s.irq !== null ? [`irq ${s.irq}: ${chain.join(' → ')}`] : [])],
    });
  }
  if (ev.kind === 'ret') {
    const ret = Number(ev.args[0]?.value);
    if (ret < 0) {
      const lines = [`${ev.fn}() returned ${errnoName(ret)} (${ret}).`];
      if (ev.fn === 'dmar_alloc_hwirq' && ret === -17)
        lines.push(
          'DMAR-MSI already maps the hwirq this unit asked for (irq_find_mapping in msi_domain_alloc): dmar_alloc_hwirq() left info.hwirq unset, so every unit asks for hwirq 0 and only the first gets it.',
          'The unit gets no fault interrupt ("DMAR: No free IRQ vectors"): its faults are never reported.',
        );
      out.push({ level: 'bad', title: 'A call failed', lines });
    }
  }
  return out;
}
