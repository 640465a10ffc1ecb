// Writes core/model/machine.schema.json from the zod schema: `npm run gen:schema`.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineJsonSchema } from './json-schema';

export const SCHEMA_FILE = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'machine.schema.json',
);

export function schemaFileText(): string {
  return JSON.stringify(machineJsonSchema(), null, 2) + '\n';
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(SCHEMA_FILE, schemaFileText());
  console.log(`wrote ${SCHEMA_FILE}`);
}
