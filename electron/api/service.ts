// The service behind every channel: what the app can do, independent of how it is reached.
import { PRESETS } from '../../core/model/presets';
import { parseMachineJson } from '../../core/model/validate';
import { machineJsonSchema } from '../../core/model/json-schema';
import type { RequestOf, ResponseOf } from './channels';
import type { Handlers } from './dispatch';
import { runSimulationRequest } from './simulation';

export interface ServiceOptions {
  mode: 'electron' | 'browser';
  version: string;
  platform: string;
  /** Runs a simulation off the host's thread (a worker); in-process when absent (tests). */
  simulate?: (request: RequestOf<'machine.simulate'>) => Promise<ResponseOf<'machine.simulate'>>;
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
    'machine.simulate': (request) =>
      options.simulate ? options.simulate(request) : runSimulationRequest(request),
    'machine.jsonSchema': () => ({ schema: machineJsonSchema() as Record<string, unknown> }),
  };
}
