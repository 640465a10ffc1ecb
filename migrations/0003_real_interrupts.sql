-- irqlab session file, schema version 3: the real /proc/interrupts of an imported machine.
--
-- A machine imported from a real machine's artefacts keeps the /proc/interrupts it was given, so
-- each run of it can be compared with what really happened there ("Real vs predicted"), and
-- what the import assumed (the review's "missing" list: "MSI-X capability assumed", ...), which
-- explains a predicted row that differs.
CREATE TABLE real_interrupts (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  file_name    TEXT NOT NULL,
  text         TEXT NOT NULL,
  missing_json TEXT NOT NULL DEFAULT '[]',
  imported_at  TEXT NOT NULL
);
