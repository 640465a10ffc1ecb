// A run: the profile resolved, the injections applied, the machine booted with its drivers
// (boot.ts), then the scenario's steps in order (CPU hotplug, affinity from user space, devices
// firing through the hardware, core/hw), and every output the run has (result.ts).
import type { Machine } from '../model/schema';
import { TraceEmitter } from '../trace/emitter';
import { fire, type FireTarget } from '../hw/delivery';
import { CpuMask } from '../kernel/cpumask';
import { EINVAL } from '../kernel/errno';
import { applyMachineInjections, CallFailures, profileChanges } from '../kernel/injection-effects';
import type { Injection } from '../kernel/injections';
import { Kernel, Oops, Panic } from '../kernel/kernel';
import {
  KernelProfileSchema,
  PROFILES,
  profileForKernel,
  type KernelProfile,
} from '../kernel/profiles';
import { boot, type Bound } from './boot';
import { outputs, type SimulationResult } from './result';

/** What happens after the boot, in order. */
export type ScenarioStep =
  | { op: 'cpu_down'; cpu: number }
  | { op: 'cpu_up'; cpu: number }
  /** Devices raise interrupts: every vector of one device (or all), `count` times each. */
  | { op: 'fire'; device?: string; entry?: number; count?: number }
  /** An irq's affinity set from user space (/proc/irq/N/smp_affinity), by CPU list. */
  | { op: 'set_affinity'; irq: number; cpus: number[] };

export interface SimulateOptions {
  /** A profile name, or a profile object (a clone of one, edited). */
  profile?: string | KernelProfile;
  trace?: TraceEmitter;
  scenario?: ScenarioStep[];
  injections?: Injection[];
  /** Called with the kernel before it boots (the stepping engine reads its state). */
  onKernel?: (k: Kernel) => void;
}

export function resolveProfile(machine: Machine, name?: string | KernelProfile): KernelProfile {
  // A profile object may come from a stored run, saved before flags were added: the schema fills
  // their defaults (and refuses a damaged one with where it is wrong).
  if (typeof name === 'object') return KernelProfileSchema.parse(name);
  name ??= machine.kernel.profile;
  if (name) {
    const p = PROFILES[name];
    if (!p)
      throw new Error(
        `${name === machine.kernel.profile ? '$.kernel.profile: ' : ''}unknown profile ${JSON.stringify(name)} (known: ${Object.keys(PROFILES).join(', ')})`,
      );
    return p;
  }
  return profileForKernel(machine.kernel.version);
}

export function simulate(machine: Machine, options: SimulateOptions = {}): SimulationResult {
  const injections = options.injections ?? [];
  const changes = profileChanges(injections);
  const base = resolveProfile(machine, options.profile);
  const profile = Object.keys(changes).length ? { ...base, ...changes } : base;
  machine = applyMachineInjections(machine, injections);
  const trace = options.trace ?? new TraceEmitter();
  const k = new Kernel(machine, profile, trace);
  k.injections = injections;
  k.failures = new CallFailures(injections);
  options.onKernel?.(k);
  let oops: SimulationResult['oops'] = null;
  let panic: string | null = null;
  const bound: Bound = [];
  const deliveries = { delivered: 0, faulted: 0, spurious: 0 };
  try {
    boot(k, machine, bound);
    for (const step of options.scenario ?? []) {
      if (step.op === 'set_affinity') {
        const mask = CpuMask.of(
          k.nrCpus,
          step.cpus.filter((c) => c < k.nrCpus),
        );
        const ret = k.irq_set_affinity(step.irq, mask);
        if (ret < 0) k.log(4, `irqlab: smp_affinity of irq ${step.irq}: ${k.describeError(ret)}`);
        continue;
      }
      if (step.op === 'fire') {
        const r = fire(k, fireTargets(k, step));
        deliveries.delivered += r.delivered;
        deliveries.faulted += r.faulted;
        deliveries.spurious += r.spurious;
        continue;
      }
      const ret = step.op === 'cpu_down' ? k.cpu_down(step.cpu) : k.cpu_up(step.cpu);
      if (ret === -EINVAL)
        k.log(
          4,
          `${step.op} ${step.cpu}: CPU is already ${step.op === 'cpu_down' ? 'offline' : 'online'}`,
        );
    }
  } catch (err) {
    if (err instanceof Oops) oops = { text: err.text, callTrace: err.callTrace };
    else if (err instanceof Panic) panic = err.text;
    else throw err;
  }
  trace.flush();
  return outputs(k, machine, profile, bound, oops, panic, deliveries, trace.seq);
}

/** The MSI/MSI-X vectors (device, entry) a fire step raises. */
function fireTargets(k: Kernel, step: Extract<ScenarioStep, { op: 'fire' }>): FireTarget[] {
  const out: FireTarget[] = [];
  for (const [bdf, dev] of k.messages) {
    if (step.device && bdf !== step.device) continue;
    dev.entries.forEach((m, entry) => {
      if (m === null || (step.entry !== undefined && entry !== step.entry)) return;
      out.push({ bdf, entry, count: step.count ?? 1 });
    });
  }
  for (const [bdf, store] of k.ims) {
    if (step.device && bdf !== step.device) continue;
    store.visible.forEach((m, entry) => {
      if (m && (step.entry === undefined || entry === step.entry))
        out.push({ bdf, entry, count: step.count ?? 1, ims: true });
    });
  }
  return out;
}
