// The service behind every channel: what the app can do, independent of how it is reached.
import { mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveProfile } from '../../core/kernel/boot';
import { PROFILES } from '../../core/kernel/profiles';
import { machineJsonSchema } from '../../core/model/json-schema';
import { largeMachine, PRESETS } from '../../core/model/presets';
import { MachineSchema, type Machine } from '../../core/model/schema';
import { parseMachineJson } from '../../core/model/validate';
import type { ReportFormat, RequestOf, ResponseOf, RunDevice, RunResult } from './channels';
import type { Handlers } from './dispatch';
import { explainLine } from '../../core/import/explain';
import { explainFaultLine, importFromArtefacts } from './importing';
import type { StoredRunOutputs } from './job-work';
import { inProcessExecutor, Jobs, type JobExecutor } from './jobs';
import { SessionLibrary, type SessionLibraryOptions } from './sessions';
import { runSimulationRequest } from './simulation';

export interface ServiceOptions {
  mode: 'electron' | 'browser';
  version: string;
  platform: string;
  /** Runs a simulation off the host's thread (a worker); in-process when absent (tests). */
  simulate?: (request: RequestOf<'machine.simulate'>) => Promise<ResponseOf<'machine.simulate'>>;
  /** Runs jobs (runs, exports) off the host's thread; in-process when absent (tests). */
  execute?: JobExecutor;
  /** Where sessions live; a temporary folder when absent (tests). */
  sessions?: SessionLibraryOptions;
  /** Browser mode: where exported reports wait to be downloaded, and their URL prefix. */
  exportsDir?: string;
  /** Desktop: where the user wants a report saved (a native dialog); null = dismissed. */
  chooseExportPath?: (suggestedName: string) => Promise<string | null>;
}

export interface Service {
  handlers: Handlers;
  /** Browser mode: the file behind an export URL, or null (the host serves it). */
  exportFile(urlPath: string): string | null;
  close(): void;
}

export const EXPORTS_URL_PREFIX = '/exports/';

const REPORT_FORMATS: Record<
  ReportFormat,
  { label: string; extension: string; available: boolean; reason: string | null }
> = {
  html: {
    label: 'HTML report (self-contained: topology, interrupts, faults, dmesg)',
    extension: 'html',
    available: true,
    reason: null,
  },
  md: { label: 'Markdown report', extension: 'md', available: true, reason: null },
  json: { label: 'JSON report', extension: 'json', available: true, reason: null },
  csv: { label: 'CSV (every trace event)', extension: 'csv', available: true, reason: null },
  perfetto: {
    label: 'Perfetto / Chrome trace (ui.perfetto.dev)',
    extension: 'perfetto.json',
    available: true,
    reason: null,
  },
};

/** Lines of the kernel's log that report a fault: shown highlighted, each can be explained. */
const FAULT_LINE =
  /\b(BUG|Oops|WARNING|fail|error|refus|exceed|broken|fault|cannot|can't|unable|No irq handler|No free IRQ|INTR-REMAP|Call Trace)/i;

/** The log lines to highlight: what reads as a fault, and every line core/import can explain. */
export function faultLineIndexes(dmesg: readonly string[]): number[] {
  const out: number[] = [];
  dmesg.forEach((line, i) => {
    if (FAULT_LINE.test(line) || explainLine(line) !== null) out.push(i);
  });
  return out;
}

export function createService(options: ServiceOptions): Service {
  const temp = options.sessions ? null : mkdtempSync(path.join(tmpdir(), 'irqlab-service-'));
  const library = new SessionLibrary(
    options.sessions ?? {
      sessionsDir: path.join(temp!, 'sessions'),
      scratchDir: path.join(temp!, 'scratch'),
      recentFile: path.join(temp!, 'recent.json'),
    },
  );
  const exportsDir = options.exportsDir ?? path.join(temp ?? tmpdir(), 'irqlab-exports');
  const jobs = new Jobs(options.execute ?? inProcessExecutor);
  const jobFiles = new Map<string, string>();
  const busy = (file: string) => jobs.busy(file, jobFiles);

  // The last runs' outputs, parsed once (a large machine's are tens of MB).
  const outputsCache: { key: string; outputs: StoredRunOutputs }[] = [];
  function outputsOf(sessionId: string, runId: number) {
    const s = library.get(sessionId);
    const run = s.session.run(runId);
    if (!run) throw new Error(`no run ${runId} in this session`);
    const key = `${s.file}#${runId}`;
    let cached = outputsCache.find((c) => c.key === key);
    if (!cached) {
      if (run.status !== 'complete' || !run.outputsJson)
        throw new Error(
          `run ${runId} is ${run.status}${run.error ? ` (${run.error})` : ''}: it has no results`,
        );
      const outputs = JSON.parse(run.outputsJson) as StoredRunOutputs;
      if (outputs.format !== 'irqlab-app-run/1')
        throw new Error(`run ${runId} was stored by another tool (the CLI): no results to show`);
      cached = { key, outputs };
      outputsCache.unshift(cached);
      outputsCache.length = Math.min(outputsCache.length, 2);
    }
    const { outputsJson: _o, machineJson: _m, ...summary } = run;
    return { run: summary, outputs: cached.outputs };
  }

  const handlers: Handlers = {
    'app.info': () => ({
      name: 'irqlab',
      version: options.version,
      mode: options.mode,
      platform: options.platform,
      sessionsDir: options.mode === 'browser' ? library.sessionsDir : null,
      features: { importers: true, explain: true },
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
    'machine.generate': (knobs) => {
      const machine = MachineSchema.parse(largeMachine(knobs));
      return { name: knobs.name, text: JSON.stringify(machine, null, 2) + '\n' };
    },
    'machine.validate': ({ text }) => {
      const result = parseMachineJson(text);
      return result.ok ? { ok: true, problems: [] } : { ok: false, problems: result.errors };
    },
    'machine.simulate': (request) =>
      options.simulate ? options.simulate(request) : runSimulationRequest(request),
    'machine.jsonSchema': () => ({ schema: machineJsonSchema() as Record<string, unknown> }),
    'profiles.list': () =>
      Object.values(PROFILES).map((p) => ({ name: p.name, description: p.description })),

    'session.new': ({ machineName, machineText }) => library.create(machineName, machineText),
    'session.open': ({ name }) => library.openByName(name),
    'session.openRecent': ({ recentId }) => library.openRecent(recentId),
    'session.openDialog': () => library.openDialog(),
    'session.upload': ({ fileName, base64 }) =>
      library.upload(fileName, Buffer.from(base64, 'base64')),
    'session.recent': () => library.recent(),
    'session.save': ({ sessionId, machineName, machineText }) =>
      library.save(sessionId, machineName, machineText),
    'session.saveAs': ({ sessionId, machineName, machineText, name, overwrite }) =>
      library.saveAs(sessionId, machineName, machineText, name, overwrite, busy),
    'session.close': ({ sessionId }) => {
      const s = library.get(sessionId);
      if (busy(s.file)) {
        for (const [jobId, file] of jobFiles) if (file === s.file) jobs.cancel(jobId);
      }
      library.close(sessionId);
      return {};
    },

    'runs.list': ({ sessionId }) => library.get(sessionId).session.runs(),
    'run.start': ({ sessionId, machineText, profile }) => {
      const s = library.get(sessionId);
      const parsed = parseMachineJson(machineText);
      if (!parsed.ok)
        throw new Error(
          `the machine is not valid: ${parsed.errors
            .slice(0, 3)
            .map((p) => `${p.path}: ${p.message}`)
            .join('; ')}`,
        );
      // The same machine's last complete run tells how many events to expect.
      const runs = s.session.runs();
      const profileName = resolveProfile(parsed.machine, profile).name;
      let expectedEvents: number | null = null;
      for (let i = runs.length - 1; i >= 0; i--) {
        const r = runs[i]!;
        if (r.status === 'complete' && r.profile === profileName) {
          if (s.session.run(r.id)?.machineJson === machineText) {
            expectedEvents = r.eventCount;
            break;
          }
        }
      }
      const jobId = jobs.start(
        'run',
        { kind: 'run', file: s.file, machineText, profile, expectedEvents },
        (outcome, status) => {
          if (outcome.kind === 'run') status.runId = outcome.runId;
        },
      );
      jobFiles.set(jobId, s.file);
      return { jobId };
    },
    'run.result': ({ sessionId, runId }): RunResult => {
      const { run, outputs } = outputsOf(sessionId, runId);
      return {
        run,
        profile: outputs.profile,
        procInterrupts: outputs.procInterrupts,
        truncated: outputs.truncated,
        dmesg: outputs.dmesg,
        faultLines: faultLineIndexes(outputs.dmesg),
        warnings: outputs.warnings,
        oops: outputs.oops,
        vectorUsage: outputs.vectorUsage,
        irqCount: outputs.irqs.length,
        deviceCount: outputs.devices.length,
        milliseconds: outputs.milliseconds,
      };
    },
    'run.devices': ({ sessionId, runId, offset, limit, filter }) => {
      const { outputs } = outputsOf(sessionId, runId);
      const needle = filter.toLowerCase();
      const matching = needle
        ? outputs.devices.filter((d) =>
            [d.bdf, d.driver ?? '', d.name].some((v) => v.toLowerCase().includes(needle)),
          )
        : outputs.devices;
      const page = matching.slice(offset, offset + limit);
      const wanted = new Set(page.map((d) => d.bdf));
      // An INTx line is shared and has no owner: it belongs to each device on it.
      const intxUsers = new Map<number, string[]>();
      for (const d of page)
        if (d.intxIrq != null)
          intxUsers.set(d.intxIrq, [...(intxUsers.get(d.intxIrq) ?? []), d.bdf]);
      const irqsByOwner = new Map<string, RunDevice['irqs']>();
      for (const i of outputs.irqs) {
        const owners = wanted.has(i.owner) ? [i.owner] : (intxUsers.get(i.irq) ?? []);
        for (const owner of owners) {
          let list = irqsByOwner.get(owner);
          if (!list) irqsByOwner.set(owner, (list = []));
          list.push({
            irq: i.irq,
            chip: i.chip,
            hwirq: i.hwirq,
            vector: i.vector,
            cpu: i.cpu,
            actions: i.actions,
            managed: i.managed,
          });
        }
      }
      const MESSAGES_SHOWN = 64;
      return {
        total: matching.length,
        devices: page.map((d) => ({
          bdf: d.bdf,
          name: d.name,
          driver: d.driver,
          mode: d.mode,
          irqs: (irqsByOwner.get(d.bdf) ?? []).slice(0, MESSAGES_SHOWN),
          messages: d.messages.slice(0, MESSAGES_SHOWN),
          moreMessages: Math.max(0, d.messages.length - MESSAGES_SHOWN),
        })),
      };
    },
    'job.status': ({ jobId }) => jobs.status(jobId),
    'job.cancel': ({ jobId }) => ({ cancelled: jobs.cancel(jobId) }),

    'report.formats': () =>
      (Object.keys(REPORT_FORMATS) as ReportFormat[]).map((format) => ({
        format,
        ...REPORT_FORMATS[format],
      })),
    'report.export': async ({ sessionId, runId, format }) => {
      const spec = REPORT_FORMATS[format];
      if (!spec.available) throw new Error(`the ${spec.label} ${spec.reason}`);
      const s = library.get(sessionId);
      const run = s.session.run(runId);
      if (!run) throw new Error(`no run ${runId} in this session`);
      if (run.status !== 'complete') throw new Error(`run ${runId} is ${run.status}`);
      const stem = path.basename(s.titled ? s.file : 'untitled.irqlab', '.irqlab');
      const fileName = `${stem}-run${runId}.${spec.extension}`;
      let outFile: string;
      let url: string | null = null;
      if (options.chooseExportPath) {
        const chosen = await options.chooseExportPath(fileName);
        if (chosen === null) return null;
        outFile = chosen;
      } else {
        const token = randomBytes(12).toString('hex');
        mkdirSync(path.join(exportsDir, token), { recursive: true });
        outFile = path.join(exportsDir, token, fileName);
        url = `${EXPORTS_URL_PREFIX}${token}/${encodeURIComponent(fileName)}`;
      }
      const jobId = jobs.start(
        'export',
        { kind: 'export', file: s.file, runId, format, outFile },
        (outcome, status) => {
          if (outcome.kind === 'export')
            status.output = {
              fileName: path.basename(outFile),
              bytes: outcome.bytes,
              url,
              location: url ? 'download' : outFile,
            };
        },
      );
      return { jobId };
    },

    'import.artefacts': ({ files }) => importFromArtefacts(files),
    'fault.explain': ({ line, sessionId, runId }) => {
      let machine: Machine | undefined;
      if (sessionId !== undefined && runId !== undefined) {
        const json = library.get(sessionId).session.run(runId)?.machineJson;
        const parsed = json ? parseMachineJson(json) : null;
        if (parsed?.ok) machine = parsed.machine;
      }
      return explainFaultLine(line, machine);
    },
  };

  return {
    handlers,
    exportFile(urlPath) {
      if (!urlPath.startsWith(EXPORTS_URL_PREFIX)) return null;
      const [token, name, ...rest] = urlPath.slice(EXPORTS_URL_PREFIX.length).split('/');
      if (!token || !/^[0-9a-f]{24}$/.test(token) || !name || rest.length > 0) return null;
      let decoded: string;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        return null;
      }
      if (decoded.includes('/') || decoded.includes('\\') || decoded.startsWith('.')) return null;
      const file = path.join(exportsDir, token, decoded);
      try {
        return statSync(file).isFile() ? file : null;
      } catch {
        return null;
      }
    },
    close() {
      jobs.cancelAll();
      library.closeAll();
    },
  };
}

/** The handlers alone (tests and callers that need no host). */
export function createHandlers(options: ServiceOptions): Handlers {
  return createService(options).handlers;
}
