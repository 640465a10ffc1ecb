// Numbered migrations from migrations/: NNNN_name.sql, applied in order, each in its own
// transaction together with the new schema version (PRAGMA user_version), so a failure leaves
// the file at the last complete version.
import type Database from 'better-sqlite3';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * migrations/ two folders above this file (core/store/ in the sources, dist/* and .vite/build/
 * for bundles); the packaged desktop app carries it as a resource (forge.config.ts
 * extraResource), outside app.asar.
 */
function defaultDir(): string {
  const resources = (process as { resourcesPath?: string }).resourcesPath;
  if (process.versions.electron && resources && existsSync(path.join(resources, 'migrations')))
    return path.join(resources, 'migrations');
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'migrations');
}

export function loadMigrations(dir = defaultDir()): Migration[] {
  const migrations = readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((f) => ({
      version: Number(f.slice(0, 4)),
      name: f,
      sql: readFileSync(path.join(dir, f), 'utf8'),
    }));
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`migrations must be numbered 0001.. without gaps: ${m.name}`);
  });
  return migrations;
}

export function latestVersion(migrations: readonly Migration[]): number {
  return migrations.length;
}

/** Applies the migrations above the file's version. Returns the versions applied. */
export function migrate(db: Database.Database, migrations: readonly Migration[]): number[] {
  const applied: number[] = [];
  const current = db.pragma('user_version', { simple: true }) as number;
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
    applied.push(m.version);
  }
  return applied;
}
