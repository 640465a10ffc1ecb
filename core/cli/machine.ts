// The machine a command is given: a preset name, a machine file or a QEMU oracle machine.json.
import { readFileSync } from 'node:fs';
import { PROFILES } from '../kernel/profiles';
import { fromOracleMachine, ORACLE_SCHEMA } from '../model/oracle';
import { PRESETS } from '../model/presets';
import type { Machine } from '../model/schema';
import { parseMachine, parseMachineJson } from '../model/validate';
import { UsageError } from './common';

/** The machine, if the behaviour profile it names is one irqlab has (else an error at its path). */
function knownProfile(spec: string, machine: Machine): Machine {
  const name = machine.kernel.profile;
  if (name !== undefined && !PROFILES[name])
    throw new UsageError(
      `${spec}: $.kernel.profile: unknown profile ${JSON.stringify(name)} (known: ${Object.keys(PROFILES).join(', ')})`,
    );
  return machine;
}

/** A machine from a preset name, a machine file, or a QEMU oracle machine.json. */
export function loadMachine(spec: string): Machine {
  if (spec.startsWith('preset:')) {
    const name = spec.slice('preset:'.length);
    const preset = Object.prototype.hasOwnProperty.call(PRESETS, name) ? PRESETS[name] : undefined;
    if (!preset)
      throw new UsageError(`${spec}: no such preset (known: ${Object.keys(PRESETS).join(', ')})`);
    return preset.make();
  }
  let text: string;
  try {
    text = readFileSync(spec, 'utf8');
  } catch (err) {
    throw new UsageError(
      `${spec}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
    );
  }
  const parsed = parseMachineJson(text);
  if (parsed.ok) return knownProfile(spec, parsed.machine);
  // A QEMU oracle description is accepted too.
  try {
    const value: unknown = JSON.parse(text);
    if ((value as { schema?: unknown })?.schema === ORACLE_SCHEMA) {
      const m = fromOracleMachine(value);
      const again = parseMachine(m);
      if (again.ok) return knownProfile(spec, again.machine);
    }
  } catch {
    // fall through to the machine file's own errors
  }
  throw new UsageError(parsed.errors.map((e) => `${spec}: ${e.path}: ${e.message}`).join('\n'));
}
