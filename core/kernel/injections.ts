// Fault injection: changes to the machine, the kernel's state or its behaviour that reproduce a
// failure on demand. Machine-level injections (a misplaced scope, a hidden DRHD) edit a copy of
// the machine before the boot; the others apply at the point of the boot where the kernel meets
// them. One schema is the source of their shape (the app and the CLI validate with it); what they
// do to a boot is injection-effects.ts's, which the kernel imports without building this schema.
import { z } from 'zod';
import { MSI_OP_NAMES } from './msi/msi-domain';

const errnoNames = ['ENOMEM', 'ENOSPC', 'EINVAL', 'ENODEV', 'EBUSY', 'EEXIST', 'EIO'] as const;

/** Functions whose calls fail-call can make fail (they return the error where they are called). */
export const FAILABLE_FUNCTIONS = [
  '__irq_domain_alloc_irqs',
  'irq_domain_alloc_descs',
  'msi_domain_alloc',
  'x86_vector_alloc_irqs',
  'irq_matrix_alloc',
  'intel_irq_remapping_alloc',
  'alloc_irte',
  'dmar_alloc_hwirq',
  'request_irq',
] as const;

export const InjectionSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('drop-msi-callback'),
      domain: z
        .string()
        .min(1)
        .describe('Domain name or prefix: "DMAR-MSI", "PCI-MSI", "HPET-MSI", "INTEL-IR-MSI"'),
      op: z.enum(MSI_OP_NAMES as unknown as ['get_hwirq']),
    })
    .strict()
    .describe(
      'The domain loses a mandatory msi_domain_ops callback (and MSI_FLAG_USE_DEF_DOM_OPS)',
    ),
  z
    .object({
      kind: z.literal('fail-call'),
      function: z.enum(FAILABLE_FUNCTIONS),
      /** 1 = the first call. */
      nth: z.number().int().min(1).default(1),
      /** How many consecutive calls from the nth fail. */
      count: z.number().int().min(1).default(1),
      errno: z.enum(errnoNames).default('ENOMEM'),
    })
    .strict()
    .describe('The nth call of a kernel function fails with an errno'),
  z
    .object({
      kind: z.literal('vector-exhaust'),
      cpus: z.union([z.literal('all'), z.array(z.number().int().min(0))]).default('all'),
      free: z.number().int().min(0).default(0).describe('Vectors left free on each CPU'),
    })
    .strict()
    .describe('Vectors taken by something outside the model, leaving `free` per CPU'),
  z
    .object({
      kind: z.literal('irte-exhaust'),
      unit: z.string().min(1),
      free: z.number().int().min(0),
    })
    .strict()
    .describe("Leave only `free` entries of a remapping unit's IRTE table unused"),
  z
    .object({ kind: z.literal('dmar-hwirq-unset') })
    .strict()
    .describe('dmar_alloc_hwirq() leaves info.hwirq unset (the V2 series bug)'),
  z
    .object({ kind: z.literal('vf-keeps-default-domain') })
    .strict()
    .describe('SR-IOV VFs keep the default PCI-MSI domain (the 5.10-rc1 bug)'),
  z
    .object({
      kind: z.literal('disable-drhd'),
      unit: z.number().int().min(0).describe('Index of the DRHD in the DMAR table'),
    })
    .strict()
    .describe('The firmware hides a DRHD'),
  z
    .object({
      kind: z.literal('misplace-scope'),
      device: z.string().regex(/^[0-9a-f]{4,5}:[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7]$/),
      unit: z.number().int().min(0).describe('The DRHD (table index) that wrongly lists it'),
    })
    .strict()
    .describe("A device's scope entry moved to another DRHD (or added to it)"),
]);

export type Injection = z.output<typeof InjectionSchema>;
export type InjectionInput = z.input<typeof InjectionSchema>;

/**
 * An injection from the command line: JSON, or the short form "kind:arg:...":
 * drop-msi-callback:DOMAIN:OP, fail-call:FUNCTION[:NTH[:ERRNO]], vector-exhaust[:FREE],
 * irte-exhaust:UNIT:FREE, dmar-hwirq-unset, vf-keeps-default-domain, disable-drhd:N,
 * misplace-scope:BDF:N.
 */
export function parseInjection(
  spec: string,
): { ok: true; injection: Injection } | { ok: false; error: string } {
  let value: unknown;
  if (spec.trim().startsWith('{')) {
    try {
      value = JSON.parse(spec);
    } catch (err) {
      return { ok: false, error: `not JSON: ${(err as Error).message}` };
    }
  } else {
    const [kind, ...a] = spec.split(':');
    const num = (s: string | undefined) => (s === undefined || s === '' ? undefined : Number(s));
    switch (kind) {
      case 'drop-msi-callback':
        value = { kind, domain: a[0], op: a[1] };
        break;
      case 'fail-call':
        value = { kind, function: a[0], nth: num(a[1]), errno: a[2] };
        break;
      case 'vector-exhaust':
        value = { kind, free: num(a[0]) };
        break;
      case 'irte-exhaust':
        value = { kind, unit: a[0], free: num(a[1]) };
        break;
      case 'disable-drhd':
        value = { kind, unit: num(a[0]) };
        break;
      case 'misplace-scope':
        value = { kind, device: a.slice(0, -1).join(':'), unit: num(a[a.length - 1]) };
        break;
      default:
        value = { kind };
    }
    value = Object.fromEntries(Object.entries(value as object).filter(([, v]) => v !== undefined));
  }
  const parsed = InjectionSchema.safeParse(value);
  if (parsed.success) return { ok: true, injection: parsed.data };
  return {
    ok: false,
    error: parsed.error.issues.map((i) => `${i.path.join('.') || 'kind'}: ${i.message}`).join('; '),
  };
}
