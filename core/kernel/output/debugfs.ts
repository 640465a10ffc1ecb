// /sys/kernel/debug/irq/irqs/<N>, the part that walks the irq_data chain (kernel/irq/debugfs.c
// irq_debug_show_data, irq_debug_show_chip, and the vector domain's x86_vector_debug_show).
import { IRQCHIP, type IrqData } from '../irq/irqdesc';

/** The flag names debugfs knows (irqchip_flags[] in kernel/irq/debugfs.c). */
const CHIP_FLAG_NAMES: [number, string][] = [
  [IRQCHIP.SET_TYPE_MASKED, 'IRQCHIP_SET_TYPE_MASKED'],
  [IRQCHIP.EOI_IF_HANDLED, 'IRQCHIP_EOI_IF_HANDLED'],
  [IRQCHIP.MASK_ON_SUSPEND, 'IRQCHIP_MASK_ON_SUSPEND'],
  [IRQCHIP.ONOFFLINE_ENABLED, 'IRQCHIP_ONOFFLINE_ENABLED'],
  [IRQCHIP.SKIP_SET_WAKE, 'IRQCHIP_SKIP_SET_WAKE'],
  [IRQCHIP.ONESHOT_SAFE, 'IRQCHIP_ONESHOT_SAFE'],
  [IRQCHIP.EOI_THREADED, 'IRQCHIP_EOI_THREADED'],
  [IRQCHIP.SUPPORTS_LEVEL_MSI, 'IRQCHIP_SUPPORTS_LEVEL_MSI'],
  [IRQCHIP.SUPPORTS_NMI, 'IRQCHIP_SUPPORTS_NMI'],
  [IRQCHIP.ENABLE_WAKEUP_ON_SUSPEND, 'IRQCHIP_ENABLE_WAKEUP_ON_SUSPEND'],
];

export interface VectorLevelState {
  vector: number;
  cpu: number;
  moveInProgress: boolean;
  isManaged: boolean;
  canReserve: boolean;
  hasReserved: boolean;
}

const pad = (n: number) => ' '.repeat(n);

export function irqDataDebugfs(data: IrqData, vectorState: VectorLevelState, ind = 0): string {
  let out = `${pad(ind)}domain:  ${data.domain.name}\n`;
  out += `${pad(ind + 1)}hwirq:   0x${data.hwirq.toString(16)}\n`;
  const flags = data.chip?.flags ?? 0;
  out += `${pad(ind + 1)}chip:    ${data.chip?.name ?? 'none'}\n`;
  out += `${pad(ind + 2)}flags:   0x${flags.toString(16)}\n`;
  for (const [bit, name] of CHIP_FLAG_NAMES) {
    if (flags & bit) out += `${pad(ind + 13)}${name}\n`;
  }
  if (data.domain.name === 'VECTOR') {
    const i = pad(ind + 1);
    out += `${i}Vector: ${String(vectorState.vector).padStart(5)}\n`;
    out += `${i}Target: ${String(vectorState.cpu).padStart(5)}\n`;
    out += `${i}move_in_progress: ${vectorState.moveInProgress ? 1 : 0}\n`;
    out += `${i}is_managed:       ${vectorState.isManaged ? 1 : 0}\n`;
    out += `${i}can_reserve:      ${vectorState.canReserve ? 1 : 0}\n`;
    out += `${i}has_reserved:     ${vectorState.hasReserved ? 1 : 0}\n`;
    out += `${i}cleanup_pending:  0\n`;
  }
  if (data.parent) {
    out += `${pad(ind + 1)}parent:\n`;
    out += irqDataDebugfs(data.parent, vectorState, ind + 4);
  }
  return out;
}
