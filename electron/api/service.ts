// The service behind every channel: what the app can do, independent of how it is reached.
import { mkdirSync, mkdtempSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveProfile } from '../../core/scenario';
import { InjectionSchema } from '../../core/kernel/injections';
import { KernelProfileSchema, PROFILES } from '../../core/kernel/profiles';
import { machineJsonSchema } from '../../core/model/json-schema';
import { largeMachine, PRESETS } from '../../core/model/presets';
import { MachineSchema, type Machine } from '../../core/model/schema';
import { parseMachineJson } from '../../core/model/validate';
import type {
  LargeMachineKnobs,
  ReportFormat,
  RequestOf,
  ResponseOf,
  RunDevice,
  RunDiffView,
  RunResult,
  SessionState,
} from './channels';
import type { Handlers } from './dispatch';
import { compareRealWithPredicted, type PredictedOwner } from '../../core/import/real-vs-predicted';
import {
  decodeMessage,
  domainsView,
  ioapicsView,
  irqChain,
  irqInfo,
  irqsView,
  irtesView,
  storedIrqs,
  summary,
  vectorMatrix,
} from './analysis';
import { engineBreakpoints, listBreakpoints, saveBreakpoints } from './breakpoints';
import { Debuggers } from './debugging';
import { exampleByName, EXAMPLES } from './examples';
import { explainFaultLine, importFromArtefacts } from './importing';
import {
  dmesgMarks,
  deviceMessages,
  resultOf,
  runSpecOf,
  type RunResultParts,
  type StoredRunOutputs,
} from './job-work';
import { isAppRunFormat } from '../../core/report/run-data';

import { inProcessExecutor, Jobs, type JobExecutor } from './jobs';
import { allocations, runQuery, sqlSchema, timeline, tracePage, traceSymbols } from './trace';
import { SessionLibrary, type SessionLibraryOptions } from './sessions';

/** The outputs' fields the results view shows first (and the format that says they are ours). */
const RESULT_FIELDS = [
  'format',
  'profile',
  'procInterrupts',
  'truncated',
  'dmesg',
  'dmesgLevels',
  'faultLines',
  'explainLines',
  'warnings',
  'oops',
  'vectorUsage',
  'irqCount',
  'deviceCount',
  'milliseconds',
];

export interface ServiceOptions {
  mode: 'electron' | 'browser';
  version: string;
  platform: string;
  /**
   * Runs jobs (runs, exports, comparisons, `machine.simulate`) off the host's thread; in-process
   * when absent (tests).
   */
  execute?: JobExecutor;
  /**
   * Told when a window connects (`window`) or opens a session (`session`: its page is busy
   * drawing it), so that a run can start without delay (browser mode: a spare job process).
   */
  prepareJobs?: (cause: 'window' | 'session') => void;
  /**
   * Told when a session closes: what its runs left warm is let go (browser mode: the job process
   * kept after a run ends, and its memory goes back to the system).
   */
  releaseJobs?: () => void;
  /** Jobs running at once (the rest wait); jobs.ts DEFAULT_MAX_RUNNING when absent. */
  maxRunningJobs?: number;
  /** Where sessions live; a temporary folder when absent (tests). */
  sessions?: SessionLibraryOptions;
  /** Browser mode: where exported reports wait to be downloaded, and their URL prefix. */
  exportsDir?: string;
  /** Desktop: where the user wants a report saved (a native dialog); null = dismissed. */
  chooseExportPath?: (suggestedName: string) => Promise<string | null>;
  /** The stepping worker's script (core/step/node/worker.mjs when absent: from source). */
  stepWorker?: URL | string;
  /** Runs a trace explorer SQL query off the host's thread; in-process when absent (tests). */
  query?: (file: string, sql: string, limit: number) => Promise<ResponseOf<'trace.query'>>;
}

export interface Service {
  /** The handlers with no owner (the desktop app's one window, tests). */
  handlers: Handlers;
  /**
   * A client of its own (one browser-mode WebSocket): the sessions it opens are held by it and
   * closed when it goes, unless another client holds them too; its waiting or running
   * `machine.simulate` calls are cancelled then. At most MAX_SESSIONS_PER_CLIENT sessions each.
   */
  connect(): ServiceClient;
  /** Browser mode: the file behind an export URL, or null (the host serves it). */
  exportFile(urlPath: string): string | null;
  close(): void;
}

export interface ServiceClient {
  handlers: Handlers;
  close(): void;
}

export const EXPORTS_URL_PREFIX = '/exports/';

/** Sessions one client (a browser tab) may hold open at once. */
export const MAX_SESSIONS_PER_CLIENT = 16;

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

export function createService(options: ServiceOptions): Service {
  const temp = options.sessions ? null : mkdtempSync(path.join(tmpdir(), 'irqlab-service-'));
  const library = new SessionLibrary(
    options.sessions ?? {
      sessionsDir: path.join(temp!, 'sessions'),
      scratchDir: path.join(temp!, 'scratch'),
      configDir: path.join(temp!, 'config'),
    },
  );
  const exportsDir = options.exportsDir ?? path.join(temp ?? tmpdir(), 'irqlab-exports');
  const jobs = new Jobs(options.execute ?? inProcessExecutor, options.maxRunningJobs);
  /** The session file of each run and comparison under way (busy: saveAs waits, close cancels). */
  const jobFiles = new Map<string, string>();
  const noteJobFile = (jobId: string, file: string) => {
    // Only the running ones are ever asked about: the ended go as new ones come.
    for (const id of [...jobFiles.keys()]) if (!jobs.isRunning(id)) jobFiles.delete(id);
    jobFiles.set(jobId, file);
  };
  const busy = (file: string) => jobs.busy(file, jobFiles);
  const debuggers = new Debuggers(options.stepWorker);
  /** Finished comparisons by job id (the last few). */
  const comparisons = new Map<string, { diff: RunDiffView; text: string }>();

  /** Where an export goes: a native dialog's path, or a download URL (browser mode). */
  async function exportTarget(
    fileName: string,
  ): Promise<{ outFile: string; url: string | null } | null> {
    if (options.chooseExportPath) {
      const chosen = await options.chooseExportPath(fileName);
      return chosen === null ? null : { outFile: chosen, url: null };
    }
    return downloadTarget(fileName);
  }

  /** Browser mode: a fresh folder under the exports folder, served at its URL until close. */
  const exportTokens = new Set<string>();
  function downloadTarget(fileName: string): { outFile: string; url: string } {
    const token = randomBytes(12).toString('hex');
    mkdirSync(path.join(exportsDir, token), { recursive: true });
    exportTokens.add(token);
    return {
      outFile: path.join(exportsDir, token, fileName),
      url: `${EXPORTS_URL_PREFIX}${token}/${encodeURIComponent(fileName)}`,
    };
  }

  // ▶ Run sends the text the session was opened or saved with, most often unchanged: that text
  // is parsed once the answer has gone (parseSoon), and run.start finds it parsed (a large
  // machine's parse is 30-70 ms in a host whose JIT has not warmed). Only run.start and
  // machine.validate read it, and neither changes the machine; a closed session drops it.
  let lastParse: { text: string; result: ReturnType<typeof parseMachineJson> } | null = null;
  const parseMachineOnce = (text: string) => {
    if (lastParse?.text !== text) lastParse = { text, result: parseMachineJson(text) };
    return lastParse.result;
  };
  const parseSoon = (state: SessionState): SessionState => {
    const text = state.machine?.text;
    if (text !== undefined)
      setImmediate(() => {
        if (library.isOpen(state.sessionId)) parseMachineOnce(text);
      });
    return state;
  };

  /** The generator's machine for `knobs`, as the editor shows it. */
  const generated = (knobs: LargeMachineKnobs) => {
    const machine = MachineSchema.parse(largeMachine(knobs));
    return { name: knobs.name, text: JSON.stringify(machine, null, 2) + '\n' };
  };

  const startRun = (
    s: ReturnType<SessionLibrary['get']>,
    machineText: string,
    profile: string | undefined,
    rest: Pick<RequestOf<'run.start'>, 'customProfile' | 'injections'> = {},
  ) => {
    const parsed = parseMachineOnce(machineText);
    if (!parsed.ok)
      throw new Error(
        `the machine is not valid: ${parsed.errors
          .slice(0, 3)
          .map((p) => `${p.path}: ${p.message}`)
          .join('; ')}`,
      );
    // The same machine's last complete run tells how many events to expect.
    const runs = s.session.runs();
    const profileName = rest.customProfile?.name ?? resolveProfile(parsed.machine, profile).name;
    let expectedEvents: number | null = null;
    for (let i = runs.length - 1; i >= 0; i--) {
      const r = runs[i]!;
      if (r.status === 'complete' && r.profile === profileName) {
        if (s.session.runMachineJson(r.id) === machineText) {
          expectedEvents = r.eventCount;
          break;
        }
      }
    }
    const jobId = jobs.start(
      'run',
      {
        kind: 'run',
        file: s.file,
        machineText,
        profile,
        customProfile: rest.customProfile
          ? KernelProfileSchema.parse(rest.customProfile)
          : undefined,
        injections: (rest.injections ?? []).map((i) => InjectionSchema.parse(i)),
        expectedEvents,
      },
      (outcome, status) => {
        if (outcome.kind !== 'run') return;
        status.runId = outcome.runId;
        // The results view asks for these next: kept, so that nothing is read back for it
        // (unless the session was closed meanwhile: nobody would drop them).
        if (!library.isOpen(s.id)) return;
        results.set(`${s.id}#${outcome.runId}`, outcome.result);
        for (const key of [...results.keys()].slice(0, Math.max(0, results.size - 4)))
          results.delete(key);
      },
    );
    noteJobFile(jobId, s.file);
    return jobId;
  };

  /** The run's outputs with its tables (the views need them). */
  const stored = (sessionId: string, runId: number) => outputsOf(sessionId, runId).outputs;

  // The last runs' outputs, parsed once (a large machine's are tens of MB); dropped when their
  // session closes. Keyed by session id, not file: "save as" changes a session's file.
  const outputsCache: { key: string; outputs: StoredRunOutputs }[] = [];
  /** What the results view shows first of the last runs made here (from the job, not the file). */
  const results = new Map<string, RunResultParts>();
  const forgetSession = (sessionId: string) => {
    lastParse = null;
    for (let i = outputsCache.length - 1; i >= 0; i--)
      if (outputsCache[i]!.key.startsWith(`${sessionId}#`)) outputsCache.splice(i, 1);
    for (const key of [...results.keys()]) if (key.startsWith(`${sessionId}#`)) results.delete(key);
  };
  /** A run that exists, with results (complete), or a clear error. */
  function completeRun(sessionId: string, runId: number) {
    const s = library.get(sessionId);
    const run = s.session.runInfo(runId);
    if (!run) throw new Error(`no run ${runId} in this session`);
    if (run.status !== 'complete')
      throw new Error(
        `run ${runId} is ${run.status}${run.error ? ` (${run.error})` : ''}: it has no results`,
      );
    return { s, run };
  }
  function outputsOf(sessionId: string, runId: number) {
    const { s, run } = completeRun(sessionId, runId);
    const key = `${s.id}#${runId}`;
    let cached = outputsCache.find((c) => c.key === key);
    if (!cached) {
      const outputs = s.session.runOutputs(runId) as StoredRunOutputs | null;
      if (!outputs) throw new Error(`run ${runId} has no results`);
      if (!isAppRunFormat(outputs.format))
        throw new Error(`run ${runId} was stored by another tool (the CLI): no results to show`);
      try {
        // Its irqs checked now: a stranger's session gets its error here, once.
        storedIrqs(outputs);
      } catch (err) {
        throw new Error(`run ${runId}: ${(err as Error).message}`);
      }
      cached = { key, outputs };
      outputsCache.unshift(cached);
      outputsCache.length = Math.min(outputsCache.length, 2);
    }
    return { run, outputs: cached.outputs };
  }
  /** The results view's first answer: kept from the job, or read field by field from the file. */
  function resultOfRun(sessionId: string, runId: number): RunResult {
    const { s, run } = completeRun(sessionId, runId);
    const key = `${s.id}#${runId}`;
    const kept = results.get(key) ?? outputsCache.find((c) => c.key === key)?.outputs;
    if (kept) return { run, ...('format' in kept ? resultOf(kept) : kept) };
    const f = s.session.runOutputFields(runId, RESULT_FIELDS);
    if (!f) throw new Error(`run ${runId} has no results`);
    if (!isAppRunFormat(f.format))
      throw new Error(`run ${runId} was stored by another tool (the CLI): no results to show`);
    const counts =
      typeof f.irqCount === 'number' && typeof f.deviceCount === 'number'
        ? { irqCount: f.irqCount, deviceCount: f.deviceCount }
        : s.session.runOutputLengths(runId, ['irqs', 'devices']);
    const dmesg = f.dmesg as string[];
    const parts: RunResultParts = {
      profile: f.profile as string,
      procInterrupts: f.procInterrupts as string,
      truncated: f.truncated as boolean,
      dmesg,
      ...dmesgMarks({
        dmesg,
        dmesgLevels: f.dmesgLevels as number[] | undefined,
        faultLines: f.faultLines as number[] | undefined,
        explainLines: f.explainLines as number[] | undefined,
      }),
      warnings: f.warnings as string[],
      oops: (f.oops ?? null) as RunResultParts['oops'],
      vectorUsage: f.vectorUsage as RunResultParts['vectorUsage'],
      irqCount: 'irqCount' in counts ? counts.irqCount : counts.irqs!,
      deviceCount: 'deviceCount' in counts ? counts.deviceCount : counts.devices!,
      milliseconds: f.milliseconds as number,
    };
    results.set(key, parts);
    return { run, ...parts };
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
    'machine.generate': (knobs) => generated(knobs),
    'machine.validate': ({ text }) => {
      const result = parseMachineOnce(text);
      return result.ok ? { ok: true, problems: [] } : { ok: false, problems: result.errors };
    },
    'machine.simulate': (request) => simulateQueued(request),
    'machine.jsonSchema': () => ({ schema: machineJsonSchema() as Record<string, unknown> }),
    'profiles.list': () =>
      Object.values(PROFILES).map((p) => ({ name: p.name, description: p.description })),
    'examples.list': () => EXAMPLES.map((e) => exampleByName(e.name)),
    'examples.open': ({ name }) => {
      const example = exampleByName(name);
      const machine = PRESETS[name]!.make();
      const text = JSON.stringify(machine, null, 2) + '\n';
      const state = library.create(name, text);
      const s = library.get(state.sessionId);
      saveBreakpoints(s.session, example.breakpoints);
      // Booted under its preset's own profile (kernel.profile): the kernel that had the bug.
      const jobId = startRun(s, text, undefined);
      return { session: state, jobId };
    },

    'session.new': ({ machineName, machineText, realInterrupts }) =>
      parseSoon(library.create(machineName, machineText, realInterrupts)),
    'session.generate': (knobs) => {
      const { name, text } = generated(knobs);
      return parseSoon(library.create(name, text));
    },
    'session.open': ({ name }) => parseSoon(library.openByName(name)),
    'session.openRecent': ({ recentId }) => parseSoon(library.openRecent(recentId)),
    'session.openDialog': () => library.openDialog(),
    'session.upload': ({ fileName, base64 }) =>
      library.upload(fileName, Buffer.from(base64, 'base64')),
    'session.recent': () => library.recent(),
    'session.save': async ({ sessionId, machineName, machineText }) =>
      parseSoon(await library.save(sessionId, machineName, machineText)),
    'session.saveAs': ({ sessionId, machineName, machineText, name, overwrite }) =>
      library.saveAs(sessionId, machineName, machineText, name, overwrite, busy),
    'session.close': ({ sessionId }) => {
      const s = library.get(sessionId);
      debuggers.closeFile(s.file);
      forgetSession(sessionId);
      if (busy(s.file)) {
        for (const [jobId, file] of jobFiles) if (file === s.file) jobs.cancel(jobId);
      }
      library.close(sessionId);
      options.releaseJobs?.();
      return {};
    },

    'runs.list': ({ sessionId }) => library.get(sessionId).session.runs(),
    'run.start': ({ sessionId, machineText, profile, customProfile, injections }) => {
      const s = library.get(sessionId);
      return { jobId: startRun(s, machineText, profile, { customProfile, injections }) };
    },
    'run.spec': ({ sessionId, runId }) => {
      const spec = outputsOf(sessionId, runId).outputs.spec;
      return spec
        ? { profile: spec.profile, injections: spec.injections }
        : {
            profile: PROFILES[library.get(sessionId).session.runInfo(runId)!.profile] ?? null,
            injections: [],
          };
    },
    'run.result': ({ sessionId, runId }): RunResult => resultOfRun(sessionId, runId),
    'run.realVsPredicted': ({ sessionId, runId }) => {
      const real = library.get(sessionId).session.realInterrupts();
      if (!real) return null;
      const { outputs } = outputsOf(sessionId, runId);
      if (outputs.truncated)
        throw new Error(`run ${runId}'s predicted /proc/interrupts was cut short: not compared`);
      const devices = new Map<string, PredictedOwner>(
        outputs.devices.map((d) => [
          d.bdf,
          {
            bdf: d.bdf,
            driver: d.driver,
            behaviour:
              d.behaviour === 'modelled' || d.behaviour === 'observed' || d.behaviour === 'user'
                ? d.behaviour
                : null,
          },
        ]),
      );
      const irqs = storedIrqs(outputs);
      return compareRealWithPredicted(
        real,
        outputs.procInterrupts,
        (irq) => {
          const at = irqs.indexOf(irq);
          return at < 0 ? null : (devices.get(irqs.owner(at)) ?? null);
        },
        (bdf) => devices.get(bdf) ?? null,
      );
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
      const irqs = storedIrqs(outputs);
      for (let i = 0; i < irqs.length; i++) {
        const irqOwner = irqs.owner(i);
        const owners = wanted.has(irqOwner) ? [irqOwner] : (intxUsers.get(irqs.irq(i)) ?? []);
        for (const owner of owners) {
          let list = irqsByOwner.get(owner);
          if (!list) irqsByOwner.set(owner, (list = []));
          const { owner: _owner, ...irq } = summary(irqs, i);
          list.push(irq);
        }
      }
      const MESSAGES_SHOWN = 64;
      return {
        total: matching.length,
        devices: page.map((d) => {
          const shown = deviceMessages(d, MESSAGES_SHOWN);
          return {
            bdf: d.bdf,
            name: d.name,
            driver: d.driver,
            // A stored value is the session file's word: only the three known ones pass.
            behaviour:
              d.behaviour === 'modelled' || d.behaviour === 'observed' || d.behaviour === 'user'
                ? d.behaviour
                : null,
            mode: d.mode,
            irqs: (irqsByOwner.get(d.bdf) ?? []).slice(0, MESSAGES_SHOWN),
            messages: shown.messages,
            moreMessages: shown.more,
          };
        }),
      };
    },
    'job.status': ({ jobId, waitMs }) =>
      waitMs ? jobs.statusAfter(jobId, waitMs) : jobs.status(jobId),
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
      const run = s.session.runInfo(runId);
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
        ({ outFile, url } = downloadTarget(fileName));
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

    'debug.start': async ({ sessionId, runId, seq }) => {
      const s = library.get(sessionId);
      const spec = runSpecOf(s.session, runId);
      const parsed = parseMachineJson(spec.machineJson);
      if (!parsed.ok) throw new Error(`run ${runId}: its machine is not valid`);
      const eventCount = s.session.runInfo(runId)!.eventCount;
      if (seq !== undefined && seq >= eventCount)
        throw new Error(`run ${runId} has ${eventCount} steps: no step ${seq}`);
      const { debugId, state } = await debuggers.start(
        s.file,
        runId,
        parsed.machine,
        { profile: spec.profile, injections: spec.injections },
        engineBreakpoints(listBreakpoints(s.session)),
        seq,
      );
      return { debugId, runId, eventCount, state };
    },
    'debug.command': ({ debugId, command }) => debuggers.command(debugId, command),
    'debug.peek': ({ debugId, ops }) => debuggers.peek(debugId, ops),
    'debug.close': ({ debugId }) => {
      debuggers.close(debugId);
      return {};
    },
    'breakpoints.list': ({ sessionId }) => listBreakpoints(library.get(sessionId).session),
    'breakpoints.set': async ({ sessionId, breakpoints }) => {
      const s = library.get(sessionId);
      const saved = saveBreakpoints(s.session, breakpoints);
      await debuggers.setBreakpoints(s.file, engineBreakpoints(saved));
      return saved;
    },
    'run.allocations': ({ sessionId, runId, filter, offset, limit }) => {
      const s = library.get(sessionId);
      if (!s.session.runInfo(runId)) throw new Error(`no run ${runId} in this session`);
      return allocations(s.session, runId, filter, offset, limit);
    },

    'trace.symbols': ({ sessionId, runId }) => {
      const s = library.get(sessionId);
      if (!s.session.runInfo(runId)) throw new Error(`no run ${runId} in this session`);
      return traceSymbols(s.session, runId);
    },
    'trace.page': ({ sessionId, runId, fromSeq, limit, filter }) => {
      const s = library.get(sessionId);
      if (!s.session.runInfo(runId)) throw new Error(`no run ${runId} in this session`);
      return tracePage(s.session, runId, fromSeq, limit, filter);
    },
    'trace.timeline': ({ sessionId, runId, bins }) => {
      const s = library.get(sessionId);
      const run = s.session.runInfo(runId);
      if (!run) throw new Error(`no run ${runId} in this session`);
      return timeline(s.session, runId, run.eventCount, bins);
    },
    'trace.schema': () => ({ relations: sqlSchema() }),
    'trace.query': ({ sessionId, sql, limit }) => {
      const s = library.get(sessionId);
      return options.query ? options.query(s.file, sql, limit) : runQuery(s.session, sql, limit);
    },

    'run.domains': ({ sessionId, runId }) => domainsView(stored(sessionId, runId), runId),
    'run.irqs': ({ sessionId, runId, domain, filter, offset, limit }) =>
      irqsView(stored(sessionId, runId), runId, domain, filter, offset, limit),
    'run.irqChain': ({ sessionId, runId, irq }) => irqChain(stored(sessionId, runId), runId, irq),
    'run.vectorMatrix': ({ sessionId, runId }) => vectorMatrix(stored(sessionId, runId), runId),
    'run.irqInfo': ({ sessionId, runId, irqs }) => irqInfo(stored(sessionId, runId), irqs),
    'run.irtes': ({ sessionId, runId, unit, offset, limit }) =>
      irtesView(stored(sessionId, runId), runId, unit, offset, limit),
    'run.ioapics': ({ sessionId, runId }) => ioapicsView(stored(sessionId, runId), runId),
    'msi.decode': ({ address, data, sessionId, runId }) =>
      decodeMessage(
        address,
        data,
        sessionId !== undefined && runId !== undefined
          ? { outputs: stored(sessionId, runId), runId }
          : null,
      ),

    'compare.start': ({ sessionId, runA, runB }) => {
      const s = library.get(sessionId);
      for (const id of [runA, runB]) {
        const run = s.session.runInfo(id);
        if (!run) throw new Error(`no run ${id} in this session`);
        if (run.status !== 'complete') throw new Error(`run ${id} is ${run.status}`);
      }
      const jobId = jobs.start(
        'compare',
        { kind: 'compare', file: s.file, runA, runB },
        (outcome) => {
          if (outcome.kind !== 'compare') return;
          comparisons.set(jobId, { diff: outcome.diff, text: outcome.text });
          // Only the last few comparisons are kept.
          for (const key of [...comparisons.keys()].slice(0, Math.max(0, comparisons.size - 8)))
            comparisons.delete(key);
        },
      );
      noteJobFile(jobId, s.file);
      return { jobId };
    },
    'compare.result': ({ jobId }) => {
      const c = comparisons.get(jobId);
      if (!c) throw new Error(`no finished comparison ${jobId}`);
      return c.diff;
    },
    'compare.export': async ({ jobId }) => {
      const c = comparisons.get(jobId);
      if (!c) throw new Error(`no finished comparison ${jobId}`);
      const fileName = `compare-run${c.diff.runA}-run${c.diff.runB}.md`;
      const target = await exportTarget(fileName);
      if (!target) return null;
      const text = [
        `# irqlab: ${c.diff.a} vs ${c.diff.b}`,
        '',
        '```',
        c.text.trimEnd(),
        '```',
        '',
      ].join('\n');
      writeFileSync(target.outFile, text);
      return {
        fileName: path.basename(target.outFile),
        bytes: Buffer.byteLength(text),
        url: target.url,
        location: target.url ? 'download' : target.outFile,
      };
    },

    'import.artefacts': ({ files }) => importFromArtefacts(files),
    'fault.explain': ({ line, sessionId, runId }) => {
      let machine: Machine | undefined;
      if (sessionId !== undefined && runId !== undefined) {
        const json = library.get(sessionId).session.runMachineJson(runId);
        const parsed = json ? parseMachineJson(json) : null;
        if (parsed?.ok) machine = parsed.machine;
      }
      return explainFaultLine(line, machine);
    },
  };

  /** A `machine.simulate` as a job: it waits for its turn and can be cancelled (`onJob`). */
  function simulateQueued(
    request: RequestOf<'machine.simulate'>,
    onJob?: (jobId: string, done: boolean) => void,
  ): Promise<ResponseOf<'machine.simulate'>> {
    return new Promise((resolve, reject) => {
      let result: ResponseOf<'machine.simulate'> | null = null;
      let jobId = '';
      jobId = jobs.start(
        'simulate',
        { kind: 'simulate', request },
        (outcome) => {
          if (outcome.kind === 'simulate') result = outcome.result;
        },
        (status) => {
          onJob?.(jobId, true);
          if (status.state === 'done' && result) resolve(result);
          else if (status.state === 'cancelled') reject(new Error('the simulation was cancelled'));
          else reject(new Error(status.error ?? 'the simulation failed'));
        },
      );
      onJob?.(jobId, false);
    });
  }

  /** Which clients hold each open session (browser mode: one per WebSocket). */
  const holders = new Map<string, Set<number>>();
  let nextClient = 1;

  function connect(): ServiceClient {
    // A window is here: its first run may come in a few seconds (the job's process, started
    // now, is ready by then).
    options.prepareJobs?.('window');
    const me = nextClient++;
    const held = new Set<string>();
    const simulations = new Set<string>();
    const roomForOne = () => {
      if (held.size >= MAX_SESSIONS_PER_CLIENT)
        throw new Error(
          `this window has ${held.size} sessions open, the most one window may: close one first`,
        );
    };
    const hold = <T extends { sessionId: string } | null>(s: T): T => {
      if (s) {
        // A session is open: a run may come.
        options.prepareJobs?.('session');
        held.add(s.sessionId);
        let set = holders.get(s.sessionId);
        if (!set) holders.set(s.sessionId, (set = new Set()));
        set.add(me);
      }
      return s;
    };
    /** Lets go of a session; closes it when nobody else holds it. */
    const release = (sessionId: string): boolean => {
      held.delete(sessionId);
      const set = holders.get(sessionId);
      set?.delete(me);
      if (set && set.size > 0) return false;
      holders.delete(sessionId);
      return true;
    };
    const own: Partial<Handlers> = {
      'session.new': async (r) => (roomForOne(), hold(await handlers['session.new'](r))),
      'session.generate': async (r) => (roomForOne(), hold(await handlers['session.generate'](r))),
      'session.open': async (r) => (roomForOne(), hold(await handlers['session.open'](r))),
      'session.openRecent': async (r) => (
        roomForOne(),
        hold(await handlers['session.openRecent'](r))
      ),
      'session.openDialog': async (r) => (
        roomForOne(),
        hold(await handlers['session.openDialog'](r))
      ),
      'session.upload': async (r) => (roomForOne(), hold(await handlers['session.upload'](r))),
      'session.saveAs': async (r) => hold(await handlers['session.saveAs'](r)),
      'examples.open': async (r) => {
        roomForOne();
        const opened = await handlers['examples.open'](r);
        hold(opened.session);
        return opened;
      },
      'session.close': async (r) => (release(r.sessionId) ? handlers['session.close'](r) : {}),
      'machine.simulate': (r) =>
        simulateQueued(r, (jobId, done) =>
          done ? simulations.delete(jobId) : simulations.add(jobId),
        ),
    };
    return {
      handlers: { ...handlers, ...own } as Handlers,
      close() {
        for (const jobId of simulations) jobs.cancel(jobId);
        for (const sessionId of [...held]) {
          if (!release(sessionId)) continue;
          try {
            handlers['session.close']({ sessionId });
          } catch {
            // closed already (by another client's session.close)
          }
        }
      },
    };
  }

  return {
    handlers,
    connect,
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
      debuggers.closeAll();
      jobs.cancelAll();
      library.closeAll();
      // The downloads this service made (a page cannot fetch them once the host is gone).
      for (const token of exportTokens)
        rmSync(path.join(exportsDir, token), { recursive: true, force: true });
      exportTokens.clear();
      try {
        rmdirSync(exportsDir);
      } catch {
        // not empty (another process's exports) or never made
      }
    },
  };
}

/** The handlers alone (tests and callers that need no host). */
export function createHandlers(options: ServiceOptions): Handlers {
  return createService(options).handlers;
}
