// The JSON report: the report model for tools, with the run's tables in full (every irq, device,
// CPU, IRTE, fault) and the capped parts (call trees, trace faults, log lines) as in the other
// formats. Its shape is this zod schema (the type of reportJson() is derived from it; the test
// validates real output against it); reportJsonSchema() gives it as JSON Schema.
import { z } from 'zod';
import { LIMITS, type ReportModel } from './collect';
import { RUN_OUTPUT_SHAPES } from './run-data';

const Args = z.record(z.string(), z.union([z.number(), z.string()]));

const CallNodeSchema: z.ZodType<CallNodeJson> = z.lazy(() =>
  z
    .object({
      kind: z.enum(['call', 'state', 'fault', 'log', 'group']),
      name: z.string(),
      args: Args,
      irq: z.number().int(),
      cpu: z.number().int(),
      seq: z.number().int().min(0),
      result: z.number().nullable(),
      repeat: z.number().int().min(1),
      children: z.array(CallNodeSchema),
      omitted: z.number().int().min(0),
      text: z.string(),
    })
    .strict(),
);
interface CallNodeJson {
  kind: 'call' | 'state' | 'fault' | 'log' | 'group';
  name: string;
  args: Record<string, number | string>;
  irq: number;
  cpu: number;
  seq: number;
  result: number | null;
  repeat: number;
  children: CallNodeJson[];
  omitted: number;
  text: string;
}

const Irte = z
  .object({
    index: z.number().int(),
    irq: z.number().int().nullable(),
    present: z.boolean(),
    vector: z.number().int().nullable(),
    dest: z.number().int().nullable(),
    sid: z.number().int().nullable(),
    sq: z.number().int().nullable(),
    svt: z.number().int().nullable(),
  })
  .strict();

export const ReportJsonSchema = z
  .object({
    format: z.literal('irqlab-report/1'),
    run: z
      .object({
        id: z.number().int(),
        status: z.string(),
        profile: z.string(),
        scenario: z.string(),
        createdAt: z.string(),
        finishedAt: z.string().nullable(),
        eventCount: z.number().int().min(0),
        error: z.string().nullable(),
      })
      .strict(),
    machine: z
      .object({
        name: z.string(),
        description: z.string(),
        kernelVersion: z.string(),
        cmdline: z.string(),
        apicMode: z.string(),
        x2apic: z.boolean(),
        hypervisor: z.string().nullable(),
        cpus: z
          .object({
            total: z.number().int(),
            online: z.number().int(),
            nodes: z.number().int(),
            packages: z.array(
              z
                .object({
                  package: z.number().int(),
                  nodes: z.array(z.number().int()),
                  cpus: z.number().int(),
                  cpuList: z.string(),
                  online: z.number().int(),
                })
                .strict(),
            ),
          })
          .strict(),
        ioapics: z.array(
          z
            .object({
              id: z.number().int(),
              address: z.string(),
              gsiBase: z.number().int(),
              pins: z.number().int(),
            })
            .strict(),
        ),
        hpet: z.object({ address: z.string(), timers: z.number().int() }).strict().nullable(),
        iommus: z.array(
          z
            .object({
              kind: z.string(),
              base: z.string(),
              segment: z.number().int(),
              detail: z.string(),
            })
            .strict(),
        ),
        pci: z
          .object({
            total: z.number().int(),
            byKind: z.record(z.string(), z.number().int()),
            groups: z.array(
              z
                .object({
                  root: z.string(),
                  functions: z.array(
                    z
                      .object({
                        bdf: z.string(),
                        kind: z.string(),
                        name: z.string(),
                        vendorDevice: z.string(),
                      })
                      .strict(),
                  ),
                })
                .strict(),
            ),
          })
          .strict(),
        problem: z.string().nullable(),
      })
      .strict(),
    outputs: z
      .object({
        shape: z.enum(RUN_OUTPUT_SHAPES),
        profile: z.string().nullable(),
        warnings: z.array(z.string()),
        oops: z
          .object({ text: z.string(), callTrace: z.array(z.string()) })
          .strict()
          .nullable(),
        dmesg: z.array(z.string()).nullable(),
        irqs: z
          .array(
            z
              .object({
                irq: z.number().int(),
                chip: z.string(),
                hwirq: z.number(),
                domain: z.string(),
                domains: z.array(z.string()),
                remapUnit: z.string().nullable(),
                trigger: z.string(),
                actions: z.array(z.string()),
                owner: z.string(),
                mode: z.string(),
                vector: z.number().int(),
                cpu: z.number().int(),
                effectiveAffinity: z.string(),
                affinity: z.string(),
                managed: z.boolean(),
              })
              .strict(),
          )
          .nullable(),
        irqsByChip: z
          .array(
            z
              .object({
                chip: z.string(),
                chips: z.number().int(),
                irqs: z.number().int(),
                withActions: z.number().int(),
                assigned: z.number().int(),
                managed: z.number().int(),
                msi: z.number().int(),
                msix: z.number().int(),
                remapUnits: z.array(z.string()),
                direct: z.number().int(),
                chained: z.number().int(),
              })
              .strict(),
          )
          .nullable(),
        devices: z
          .array(
            z
              .object({
                bdf: z.string(),
                name: z.string(),
                driver: z.string().nullable(),
                mode: z.string().nullable(),
                vectors: z.number().int(),
                firstMessage: z
                  .object({ address: z.string(), data: z.string() })
                  .strict()
                  .nullable(),
              })
              .strict(),
          )
          .nullable(),
        vectorUsage: z
          .array(
            z
              .object({
                cpu: z.number().int(),
                available: z.number().int(),
                allocated: z.number().int(),
                managed: z.number().int(),
                managedAllocated: z.number().int(),
              })
              .strict(),
          )
          .nullable(),
        ioapicRoutes: z.array(
          z
            .object({
              id: z.number().int(),
              unit: z.string(),
              base: z.string(),
              from: z.enum(['dmesg', 'irq chains']),
            })
            .strict(),
        ),
        remapping: z
          .object({
            mode: z.string(),
            driver: z.string().nullable(),
            units: z.array(
              z.object({ name: z.string(), mode: z.string(), irtes: z.array(Irte) }).strict(),
            ),
          })
          .strict()
          .nullable(),
        faults: z
          .array(
            z
              .object({
                line: z.string(),
                reason: z.number().int().nullable(),
                reasonType: z.string(),
                reasonText: z.string(),
                source: z.string(),
                index: z.number().int().nullable(),
                unit: z.string(),
                explanation: z.string().nullable(),
              })
              .strict(),
          )
          .nullable(),
        deliveries: z
          .object({
            delivered: z.number().int(),
            faulted: z.number().int(),
            spurious: z.number().int(),
          })
          .strict()
          .nullable(),
        panic: z.string().nullable(),
      })
      .strict(),
    trace: z
      .object({
        events: z.number().int().min(0),
        byKind: z.record(z.string(), z.number().int()),
        functions: z.array(
          z
            .object({ name: z.string(), calls: z.number().int(), errors: z.number().int() })
            .strict(),
        ),
        faults: z.array(
          z
            .object({
              seq: z.number().int(),
              name: z.string(),
              text: z.string(),
              args: Args,
              irq: z.number().int(),
              cpu: z.number().int(),
            })
            .strict(),
        ),
        faultsTotal: z.number().int(),
        logs: z.array(
          z.object({ seq: z.number().int(), level: z.number().int(), text: z.string() }).strict(),
        ),
        logsTotal: z.number().int(),
        allocations: z.number().int(),
        failedAllocations: z.number().int(),
      })
      .strict(),
    callTrees: z.array(
      z
        .object({
          root: CallNodeSchema,
          device: z.string(),
          driver: z.string().nullable(),
          why: z.enum(['failed', 'unfinished', 'largest of its driver']),
          events: z.number().int(),
        })
        .strict(),
    ),
    faultExplanations: z.array(
      z
        .object({
          count: z.number().int().min(1),
          line: z.string(),
          title: z.string(),
          meaning: z.array(z.string()),
          causes: z.array(z.string()),
          check: z.array(z.string()),
        })
        .strict(),
    ),
    limits: z.record(z.string(), z.number().int()),
  })
  .strict();

export type ReportJson = z.infer<typeof ReportJsonSchema>;

export function reportJson(model: ReportModel): ReportJson {
  const o = model.outputs;
  return {
    format: 'irqlab-report/1',
    run: model.run,
    machine: model.machine,
    outputs: {
      shape: o.shape,
      profile: o.profile,
      warnings: o.warnings,
      oops: o.oops,
      dmesg: o.dmesg,
      irqs: o.irqs,
      irqsByChip: model.irqs?.byChip ?? null,
      devices: o.devices,
      vectorUsage: o.vectorUsage,
      ioapicRoutes: model.ioapicRoutes,
      remapping: o.remapping,
      faults: o.faults,
      deliveries: o.deliveries,
      panic: o.panic,
    },
    trace: model.trace,
    callTrees: model.callTrees,
    faultExplanations: model.faultExplanations,
    limits: { ...LIMITS },
  };
}

export function writeJsonReport(model: ReportModel, write: (text: string) => void): void {
  const doc = reportJson(model);
  // The irq list can be 100,000 entries: written one per line, not as one string.
  const { irqs, ...outputs } = doc.outputs;
  const head = JSON.stringify(
    { ...doc, outputs: { ...outputs, irqs: '\u0000IRQS\u0000' } },
    null,
    1,
  );
  const [before, after] = head.split('"\\u0000IRQS\\u0000"') as [string, string];
  write(before);
  if (irqs === null) write('null');
  else {
    write('[');
    irqs.forEach((irq, i) => write(`${i ? ',' : ''}\n  ${JSON.stringify(irq)}`));
    write('\n ]');
  }
  write(after + '\n');
}

export function reportJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ReportJsonSchema, { unrepresentable: 'any' }) as Record<string, unknown>;
}
