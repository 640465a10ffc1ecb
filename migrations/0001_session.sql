-- irqlab session file, schema version 1.
-- A session is one SQLite file: the machine, runs with their traces, notes and breakpoints.

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

-- The machine as the user edits it (JSON text, validated by core/model before it is saved).
CREATE TABLE machine (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  name       TEXT NOT NULL,
  json       TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- One simulation run. status: running -> complete | failed; a run found 'running' when the file
-- is opened by a new process was interrupted (crash, kill) and becomes 'incomplete'.
CREATE TABLE runs (
  id            INTEGER PRIMARY KEY,
  created_at    TEXT NOT NULL,
  finished_at   TEXT,
  profile       TEXT NOT NULL,
  scenario      TEXT NOT NULL DEFAULT 'boot',
  status        TEXT NOT NULL CHECK (status IN ('running', 'complete', 'failed', 'incomplete')),
  event_count   INTEGER NOT NULL DEFAULT 0,
  machine_json  TEXT NOT NULL,
  outputs_json  TEXT,
  error         TEXT
);

-- Interned strings and symbols of a run's trace (ids as core/trace assigns them).
CREATE TABLE strings (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  id     INTEGER NOT NULL,
  value  TEXT NOT NULL,
  PRIMARY KEY (run_id, id)
) WITHOUT ROWID;

CREATE TABLE symbols (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  id     INTEGER NOT NULL,
  name   TEXT NOT NULL,
  args   TEXT NOT NULL, -- JSON: [{"name": "cpu", "type": "int"}, ...]
  PRIMARY KEY (run_id, id)
) WITHOUT ROWID;

-- Trace events, one row each (the columns of core/trace/events.ts). The rowid is
-- run_id * 2^40 + seq, so a run's events are one contiguous rowid range in step order and paging
-- by step needs no extra index. Secondary indexes are created when a run finishes (bulk load
-- first, index after).
CREATE TABLE events (
  id    INTEGER PRIMARY KEY,
  kind  INTEGER NOT NULL,
  depth INTEGER NOT NULL,
  fn    INTEGER NOT NULL,
  irq   INTEGER NOT NULL,
  cpu   INTEGER NOT NULL,
  a0    INTEGER NOT NULL, -- INTEGER affinity: integral values stored as compact varints
  a1    INTEGER NOT NULL,
  a2    INTEGER NOT NULL,
  a3    INTEGER NOT NULL,
  text  INTEGER NOT NULL
);

CREATE TABLE notes (
  id         INTEGER PRIMARY KEY,
  run_id     INTEGER REFERENCES runs(id) ON DELETE CASCADE,
  seq        INTEGER,
  body       TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE breakpoints (
  id        INTEGER PRIMARY KEY,
  kind      TEXT NOT NULL, -- function | domain | irq | device | cpu | condition
  spec      TEXT NOT NULL,
  enabled   INTEGER NOT NULL DEFAULT 1
);
