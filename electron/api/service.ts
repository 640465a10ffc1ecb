// The service behind every channel: what the app can do, independent of how it is reached.
import { PRESETS } from '../../core/model/presets';
import { parseMachineJson } from '../../core/model/validate';
import { machineJsonSchema } from '../../core/model/json-schema';
import { simulate } from '../../core/kernel/boot';
import { PROFILES } from '../../core/kernel/profiles';
import type { Handlers } from './dispatch';

/** How much of /proc/interrupts a simulation sends to the UI. */
const PROC_INTERRUPTS_LIMIT = 2 * 1024 * 1024;

export interface ServiceOptions {
  mode: 'electron' | 'browser';
  version: string;
  platform: string;
}

export function createHandlers(options: ServiceOptions): Handlers {
  return {
    'app.info': () => ({
      name: 'irqlab',
      version: options.version,
      mode: options.mode,
      platform: options.platform,
    }),
    'presets.list': () =>
      Object.entries(PRESETS).map(([name, preset]) => ({ name, description: preset.description })),
    'machine.fromPreset': ({ name }) => {
      const preset = Object.prototype.hasOwnProperty.call(PRESETS, name)
        ? PRESETS[name]
        : undefined;
      if (!preset) throw new Error(`no preset named ${JSON.stringify(name)}`);
      return { name, text: JSON.stringify(preset.make(), null, 2) + '\n' };
    },
    'machine.validate': ({ text }) => {
      const result = parseMachineJson(text);
      return result.ok ? { ok: true, problems: [] } : { ok: false, problems: result.errors };
    },
    'machine.simulate': ({ text, profile }) => {
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
      let size = 0;
      let truncated = false;
      const parts: string[] = [];
      result.writeProcInterrupts((line) => {
        if (size + line.length > PROC_INTERRUPTS_LIMIT) {
          truncated = true;
          return false;
        }
        size += line.length;
        parts.push(line);
      });
      return {
        ok: true,
        problems: [],
        profile: result.profile,
        procInterrupts: parts.join(''),
        truncated,
        dmesg: result.dmesg,
        warnings: result.warnings,
        irqs: result.irqs.length,
        events: result.events,
        milliseconds,
      };
    },
    'machine.jsonSchema': () => ({ schema: machineJsonSchema() as Record<string, unknown> }),
  };
}
