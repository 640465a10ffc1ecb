// The JSON Schema of a machine file, generated from the zod schema (never written by hand).
import { z } from 'zod';
import { MachineSchema } from './schema';

export const MACHINE_SCHEMA_ID = 'https://irqlab.invalid/schema/machine.schema.json';

export function machineJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(MachineSchema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return { ...schema, $id: MACHINE_SCHEMA_ID, title: 'irqlab machine' };
}
