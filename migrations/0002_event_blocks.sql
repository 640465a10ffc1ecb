-- irqlab session file, schema version 2: trace events stored in blocks.
--
-- Version 1 kept one row per event, which caps writing at SQLite's row insert rate. From version 2
-- a run's events are stored BLOCK_EVENTS (4096) at a time, column by column, in one blob per
-- block (layout: core/store/event-blocks.ts), with posting lists saying which blocks hold a given
-- irq, CPU, function, event kind or device. The `events` table of version 1 is converted here
-- (pure SQL) and dropped; irqlab presents the blocks to SQL as an `events` virtual table with
-- one row per event again (core/store/events-table.ts).

-- A block of a run's events. id = run_id * 2^40 + the step of its first event, so a run's blocks
-- are one rowid range in step order and the block holding step s is the last id <= base + s.
CREATE TABLE event_blocks (
  id     INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL,
  count  INTEGER NOT NULL CHECK (count > 0),
  data   BLOB NOT NULL
);

-- Posting lists: in which blocks a column has a value. key: irq, cpu, fn (symbol id), kind
-- (event kind), dev (device string id, see core/store/run-writer.ts). Blocks are taken in groups
-- of up to 32 consecutive blocks, values in buckets (value >> 6 for irq and dev, >> 4 for cpu,
-- the value itself for fn and kind). One row per group and bucket, first_seq = the group's first
-- step; `blocks` (uint32 little-endian words): n, the first steps of the group's n blocks, then
-- per value of the bucket present in the group, in value order, the value and a bit mask of the
-- blocks holding it (bit k = block k of the group).
CREATE TABLE event_postings (
  run_id    INTEGER NOT NULL,
  key       TEXT NOT NULL CHECK (key IN ('irq', 'cpu', 'fn', 'kind', 'dev')),
  bucket    INTEGER NOT NULL,
  first_seq INTEGER NOT NULL,
  blocks    BLOB NOT NULL,
  PRIMARY KEY (run_id, key, bucket, first_seq)
) WITHOUT ROWID;

-- Converting version-1 rows. Device context (the dev column): an event inside a call whose symbol
-- has a `dev` string argument, from the call to its return (the first return at the call's depth),
-- carries that argument; nested device calls: the innermost wins.
CREATE TEMP TABLE v1_device_calls AS
SELECT e.id AS start_id,
       coalesce(
         (SELECT min(r.id) FROM events r
           WHERE r.id > e.id AND r.id < ((e.id >> 40) + 1) << 40 AND r.kind = 2 AND r.depth = e.depth),
         (((e.id >> 40) + 1) << 40) - 1) AS end_id,
       CASE a.key WHEN 0 THEN e.a0 WHEN 1 THEN e.a1 WHEN 2 THEN e.a2 ELSE e.a3 END AS dev
  FROM events e
  JOIN symbols s ON s.run_id = e.id >> 40 AND s.id = e.fn
  JOIN json_each(s.args) a
    ON a.value ->> 'name' = 'dev' AND a.value ->> 'type' = 'str' AND a.key < 4
 WHERE e.kind = 1;

CREATE TEMP TABLE v1_events AS
SELECT e.*,
       e.id >> 40 AS run_id,
       (e.id >> 12) << 12 AS block_id,
       coalesce(
         (SELECT d.dev FROM v1_device_calls d
           WHERE d.start_id <= e.id AND d.end_id >= e.id ORDER BY d.start_id DESC LIMIT 1),
         0) AS dev
  FROM events e;

-- One block per 4096 steps of a run, in the layout of core/store/event-blocks.ts with fixed
-- widths: header (format 1; width codes: kind int8, depth/fn/irq/cpu int32, a0..a3 int64,
-- text/dev int32), then each column little-endian, padded to 8 bytes. Argument values are
-- integers here (version 1 stored them with INTEGER affinity).
INSERT INTO event_blocks (id, run_id, count, data)
SELECT block_id, run_id, count(*), unhex(
    '01' || '01' || '03030303' || '05050505' || '0303' || '00000000'
 || group_concat(printf('%02x', kind & 255), '' ORDER BY id)
 || substr('00000000000000', 1, 2 * ((8 - count(*) % 8) % 8))
 || group_concat(printf('%02x%02x%02x%02x', depth & 255, (depth >> 8) & 255, (depth >> 16) & 255, (depth >> 24) & 255), '' ORDER BY id)
 || CASE count(*) % 2 WHEN 1 THEN '00000000' ELSE '' END
 || group_concat(printf('%02x%02x%02x%02x', fn & 255, (fn >> 8) & 255, (fn >> 16) & 255, (fn >> 24) & 255), '' ORDER BY id)
 || CASE count(*) % 2 WHEN 1 THEN '00000000' ELSE '' END
 || group_concat(printf('%02x%02x%02x%02x', irq & 255, (irq >> 8) & 255, (irq >> 16) & 255, (irq >> 24) & 255), '' ORDER BY id)
 || CASE count(*) % 2 WHEN 1 THEN '00000000' ELSE '' END
 || group_concat(printf('%02x%02x%02x%02x', cpu & 255, (cpu >> 8) & 255, (cpu >> 16) & 255, (cpu >> 24) & 255), '' ORDER BY id)
 || CASE count(*) % 2 WHEN 1 THEN '00000000' ELSE '' END
 || group_concat(printf('%02x%02x%02x%02x%02x%02x%02x%02x', a0 & 255, (a0 >> 8) & 255, (a0 >> 16) & 255, (a0 >> 24) & 255, (a0 >> 32) & 255, (a0 >> 40) & 255, (a0 >> 48) & 255, (a0 >> 56) & 255), '' ORDER BY id)
 || group_concat(printf('%02x%02x%02x%02x%02x%02x%02x%02x', a1 & 255, (a1 >> 8) & 255, (a1 >> 16) & 255, (a1 >> 24) & 255, (a1 >> 32) & 255, (a1 >> 40) & 255, (a1 >> 48) & 255, (a1 >> 56) & 255), '' ORDER BY id)
 || group_concat(printf('%02x%02x%02x%02x%02x%02x%02x%02x', a2 & 255, (a2 >> 8) & 255, (a2 >> 16) & 255, (a2 >> 24) & 255, (a2 >> 32) & 255, (a2 >> 40) & 255, (a2 >> 48) & 255, (a2 >> 56) & 255), '' ORDER BY id)
 || group_concat(printf('%02x%02x%02x%02x%02x%02x%02x%02x', a3 & 255, (a3 >> 8) & 255, (a3 >> 16) & 255, (a3 >> 24) & 255, (a3 >> 32) & 255, (a3 >> 40) & 255, (a3 >> 48) & 255, (a3 >> 56) & 255), '' ORDER BY id)
 || group_concat(printf('%02x%02x%02x%02x', text & 255, (text >> 8) & 255, (text >> 16) & 255, (text >> 24) & 255), '' ORDER BY id)
 || CASE count(*) % 2 WHEN 1 THEN '00000000' ELSE '' END
 || group_concat(printf('%02x%02x%02x%02x', dev & 255, (dev >> 8) & 255, (dev >> 16) & 255, (dev >> 24) & 255), '' ORDER BY id)
 || CASE count(*) % 2 WHEN 1 THEN '00000000' ELSE '' END)
  FROM v1_events
 GROUP BY block_id;

-- Posting lists of the converted runs. Converted blocks are 4096 steps each, so a group is
-- 2^17 steps and block k of a group starts at group_start + k * 4096.
CREATE TEMP TABLE v1_masks AS
SELECT run_id, key, value, block_seq >> 17 AS grp, sum(1 << ((block_seq >> 12) & 31)) AS mask
  FROM (SELECT DISTINCT run_id, 'irq' AS key, irq AS value, block_id - (run_id << 40) AS block_seq FROM v1_events WHERE irq >= 0
        UNION SELECT DISTINCT run_id, 'cpu', cpu, block_id - (run_id << 40) FROM v1_events WHERE cpu >= 0
        UNION SELECT DISTINCT run_id, 'fn', fn, block_id - (run_id << 40) FROM v1_events WHERE fn >= 0
        UNION SELECT DISTINCT run_id, 'kind', kind, block_id - (run_id << 40) FROM v1_events
        UNION SELECT DISTINCT run_id, 'dev', dev, block_id - (run_id << 40) FROM v1_events WHERE dev > 0)
 GROUP BY run_id, key, value, grp;

CREATE TEMP TABLE v1_groups AS
SELECT run_id, (id - (run_id << 40)) >> 17 AS grp, count(*) AS n,
       group_concat(printf('%02x%02x%02x%02x', (id - (run_id << 40)) & 255, ((id - (run_id << 40)) >> 8) & 255,
                           ((id - (run_id << 40)) >> 16) & 255, ((id - (run_id << 40)) >> 24) & 255), '' ORDER BY id) AS seqs
  FROM event_blocks
 GROUP BY run_id, grp;

INSERT INTO event_postings (run_id, key, bucket, first_seq, blocks)
SELECT m.run_id, m.key,
       m.value >> CASE m.key WHEN 'irq' THEN 6 WHEN 'dev' THEN 6 WHEN 'cpu' THEN 4 ELSE 0 END AS bucket,
       m.grp << 17,
       unhex(printf('%02x%02x%02x%02x', g.n & 255, (g.n >> 8) & 255, (g.n >> 16) & 255, (g.n >> 24) & 255)
          || g.seqs
          || group_concat(
               printf('%02x%02x%02x%02x%02x%02x%02x%02x',
                      m.value & 255, (m.value >> 8) & 255, (m.value >> 16) & 255, (m.value >> 24) & 255,
                      m.mask & 255, (m.mask >> 8) & 255, (m.mask >> 16) & 255, (m.mask >> 24) & 255),
               '' ORDER BY m.value))
  FROM v1_masks m JOIN v1_groups g ON g.run_id = m.run_id AND g.grp = m.grp
 GROUP BY m.run_id, m.key, bucket, m.grp;

DROP TABLE v1_masks;
DROP TABLE v1_groups;
DROP TABLE v1_events;
DROP TABLE v1_device_calls;
DROP TABLE events;
