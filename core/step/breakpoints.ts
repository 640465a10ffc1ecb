// Breakpoints: on a kernel function, a domain, an irq, a device, a CPU, or a condition over the
// event ("irq_matrix_alloc on cpu 3", "fn=modify_irte irq=25", "first fault",
// "fn=dmar_alloc_hwirq ret<0"). A condition is terms joined by "and"/spaces, all of which must
// hold: key=value with keys fn, kind, irq, cpu, device, domain, ret; ret<N / ret>N (a return
// value, so only at returns); "<function> on cpu N"; "first fault"; "fault".
import { z } from 'zod';

export const BreakpointSchema = z
  .object({
    id: z.number().int().min(0).optional(),
    kind: z.enum(['function', 'domain', 'irq', 'device', 'cpu', 'condition']),
    spec: z.string().min(1).max(200),
    enabled: z.boolean().default(true),
  })
  .strict();

export type Breakpoint = z.input<typeof BreakpointSchema>;

/** The event a breakpoint looks at. */
export interface EventView {
  kind: string;
  fn: string;
  irq: number;
  cpu: number;
  device: string;
  domain: string;
  firstFault: boolean;
  /** A return event's value (0 or -errno for most functions); NaN at other events. */
  ret: number;
}

export interface CompiledBreakpoint {
  label: string;
  matches(e: EventView): boolean;
}

type Test = (e: EventView) => boolean;

function term(key: string, value: string): Test {
  switch (key) {
    case 'fn':
    case 'function':
      return (e) => e.fn === value;
    case 'kind':
      return (e) => e.kind === value;
    case 'irq':
      return (e) => e.irq === Number(value);
    case 'cpu':
      return (e) => e.cpu === Number(value);
    case 'device':
    case 'dev':
      return (e) => e.device === value || e.device.endsWith(value);
    case 'domain':
      return (e) => e.domain === value || e.domain.startsWith(value);
    case 'ret':
      return (e) => e.ret === Number(value);
    default:
      throw new Error(
        `unknown breakpoint key ${JSON.stringify(key)} (fn, kind, irq, cpu, device, domain, ret)`,
      );
  }
}

/** Parses a condition; throws with what is wrong. */
export function parseCondition(spec: string): Test {
  const s = spec.trim();
  if (/^first fault$/i.test(s)) return (e) => e.firstFault;
  if (/^(any )?fault$/i.test(s)) return (e) => e.kind === 'fault';
  const on = /^([A-Za-z_][\w]*) on cpu (\d+)$/.exec(s);
  if (on) return (e) => e.fn === on[1] && e.cpu === Number(on[2]);
  const tests = s
    .split(/\s+(?:and\s+)?/)
    .filter((t) => t && t !== 'and')
    .map((t): Test => {
      const cmp = /^ret([<>])(-?\d+)$/.exec(t);
      if (cmp) {
        const n = Number(cmp[2]);
        return cmp[1] === '<' ? (e) => e.ret < n : (e) => e.ret > n;
      }
      const m = /^(\w+)=(.+)$/.exec(t);
      if (!m)
        throw new Error(
          `"${t}": a condition term is key=value or ret<N (e.g. fn=irq_matrix_alloc cpu=3)`,
        );
      return term(m[1]!, m[2]!);
    });
  if (tests.length === 0) throw new Error('empty condition');
  return (e) => tests.every((t) => t(e));
}

export function compileBreakpoint(b: Breakpoint): CompiledBreakpoint {
  const label = `${b.kind} ${b.spec}`;
  let test: Test;
  switch (b.kind) {
    case 'function':
      test = (e) => e.kind === 'call' && e.fn === b.spec;
      break;
    case 'domain':
      test = (e) => e.kind === 'call' && (e.domain === b.spec || e.domain.startsWith(b.spec));
      break;
    case 'irq':
      test = (e) => e.kind === 'call' && e.irq === Number(b.spec);
      break;
    case 'device':
      test = (e) => e.kind === 'call' && (e.device === b.spec || e.device.endsWith(b.spec));
      break;
    case 'cpu':
      test = (e) => e.kind !== 'ret' && e.cpu === Number(b.spec);
      break;
    case 'condition':
      test = parseCondition(b.spec);
      break;
  }
  return { label, matches: test };
}
