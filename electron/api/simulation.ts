// A simulation as the API answers it: validate the machine text, boot it, and return the outputs
// the UI shows (/proc/interrupts cut to a preview size: on a 1536-CPU machine the full table is
// gigabytes). Pure core calls: runs in a worker thread as well as in-process.
import { simulate, type SimulationResult } from '../../core/scenario';
import { PROFILES } from '../../core/kernel/profiles';
import { parseMachineJson } from '../../core/model/validate';
import type { RequestOf, ResponseOf } from './channels';

/** How much of /proc/interrupts a simulation sends to the UI. */
export const PROC_INTERRUPTS_LIMIT = 2 * 1024 * 1024;

export function runSimulationRequest({
  text,
  profile,
}: RequestOf<'machine.simulate'>): ResponseOf<'machine.simulate'> {
  const parsed = parseMachineJson(text);
  if (!parsed.ok) {
    return {
      ok: false,
      problems: parsed.errors,
      profile: '',
      procInterrupts: '',
      truncated: false,
      dmesg: [],
      warnings: [],
      irqs: 0,
      events: 0,
      milliseconds: 0,
    };
  }
  if (profile !== undefined && !Object.prototype.hasOwnProperty.call(PROFILES, profile)) {
    throw new Error(`unknown profile ${JSON.stringify(profile)}`);
  }
  const t0 = performance.now();
  const result = simulate(parsed.machine, { profile });
  const milliseconds = Math.round(performance.now() - t0);
  const preview = procInterruptsPreview(result);
  return {
    ok: true,
    problems: [],
    profile: result.profile,
    procInterrupts: preview.text,
    truncated: preview.truncated,
    dmesg: result.dmesg,
    warnings: result.warnings,
    irqs: result.irqs.length,
    events: result.events,
    milliseconds,
  };
}

/** The predicted /proc/interrupts, up to PROC_INTERRUPTS_LIMIT characters. */
export function procInterruptsPreview(result: SimulationResult): {
  text: string;
  truncated: boolean;
} {
  const parts: string[] = [];
  let size = 0;
  let truncated = false;
  result.writeProcInterrupts((line) => {
    if (size + line.length > PROC_INTERRUPTS_LIMIT) {
      truncated = true;
      return false;
    }
    size += line.length;
    parts.push(line);
  });
  return { text: parts.join(''), truncated };
}
