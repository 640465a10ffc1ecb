// Writes docs/sql.md from core/store/sql-schema.ts (the one description of what SQL sees).
import { writeFileSync } from 'node:fs';
import { sqlSchemaMarkdown } from '../core/store/sql-schema';

writeFileSync(new URL('../docs/sql.md', import.meta.url), sqlSchemaMarkdown());
