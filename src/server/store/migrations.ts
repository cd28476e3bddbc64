/** Numbered schema migrations; `schema_version` says how many have run. Append, never edit. */
import type Database from 'better-sqlite3';

const MIGRATIONS: readonly string[] = [
  // 1: the whole first schema.
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE users (
    username TEXT PRIMARY KEY, uuid TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL,
    nickname TEXT NOT NULL, created INTEGER NOT NULL, language TEXT NOT NULL DEFAULT ''
  );
  -- Offline message counts (the badge) apart from users: a group message updates thousands of
  -- them, and narrow rows make that cheap.
  CREATE TABLE offline_counts (username TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TABLE tokens (hash TEXT PRIMARY KEY, username TEXT, expires INTEGER NOT NULL);
  CREATE INDEX tokens_expires ON tokens(expires);
  CREATE TABLE groups (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, owner TEXT NOT NULL, created INTEGER NOT NULL
  );
  CREATE TABLE group_members (
    group_id TEXT NOT NULL, username TEXT NOT NULL, PRIMARY KEY (group_id, username)
  ) WITHOUT ROWID;
  CREATE INDEX group_members_user ON group_members(username);
  CREATE TABLE app_settings (
    username TEXT PRIMARY KEY, type TEXT NOT NULL, window_start INTEGER, window_end INTEGER,
    duration_until INTEGER NOT NULL, time_zone TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE conv_settings (
    username TEXT NOT NULL, scope TEXT NOT NULL, conv_id TEXT NOT NULL, type TEXT,
    duration_until INTEGER NOT NULL, updated INTEGER NOT NULL,
    PRIMARY KEY (username, scope, conv_id)
  ) WITHOUT ROWID;
  -- Covering: a group's settings are read from the index alone.
  CREATE INDEX conv_settings_conv ON conv_settings(scope, conv_id, username, type, duration_until);
  CREATE TABLE bindings (
    username TEXT NOT NULL, device_id TEXT NOT NULL, notifier TEXT NOT NULL, token TEXT NOT NULL,
    updated INTEGER NOT NULL, PRIMARY KEY (username, device_id, notifier)
  ) WITHOUT ROWID;
  CREATE TABLE devices (
    username TEXT NOT NULL, resource TEXT NOT NULL, kicked INTEGER NOT NULL DEFAULT 0,
    last_seen INTEGER NOT NULL, PRIMARY KEY (username, resource)
  ) WITHOUT ROWID;
  CREATE INDEX devices_kicked ON devices(username) WHERE kicked = 1;
  CREATE TABLE messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, sender TEXT NOT NULL, json TEXT NOT NULL, ts INTEGER NOT NULL
  );
  CREATE INDEX messages_sender ON messages(sender, seq);
  CREATE TABLE inbox (
    username TEXT NOT NULL, seq INTEGER NOT NULL, acked INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (username, seq)
  ) WITHOUT ROWID;
  CREATE TABLE device_inbox (
    username TEXT NOT NULL, resource TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (username, resource, seq)
  ) WITHOUT ROWID;
  -- Push decisions: one row per (message, recipient) that got a push, keyed message first so a
  -- group's rows append at the end of the tree; the decisions that sent nothing are kept as one
  -- row per (message, reason) listing the users (a 10,000-member group writes a few rows, not
  -- thousands). A user's decisions are found through inbox and messages.sender.
  CREATE TABLE trace (
    seq INTEGER NOT NULL, username TEXT NOT NULL, push INTEGER NOT NULL, reason TEXT NOT NULL, devices TEXT NOT NULL,
    PRIMARY KEY (seq, username)
  ) WITHOUT ROWID;
  CREATE TABLE trace_held (seq INTEGER NOT NULL, reason TEXT NOT NULL, users TEXT NOT NULL);
  CREATE INDEX trace_held_seq ON trace_held(seq);
  -- Small rows: the payload is built at send time from the stored message, the token read from
  -- the binding then (so a re-bound device gets its new token and an unbound one nothing).
  CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY, username TEXT NOT NULL, device_id TEXT NOT NULL,
    message_seq INTEGER NOT NULL, badge INTEGER NOT NULL, language TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, due INTEGER NOT NULL, created INTEGER NOT NULL
  );
  CREATE INDEX deliveries_due ON deliveries(due);
  -- payload NULL: built when sent, from the message (message_seq) with this badge and language.
  CREATE TABLE stream_pushes (
    username TEXT NOT NULL, device_id TEXT NOT NULL, message_id TEXT NOT NULL, message_seq INTEGER NOT NULL,
    payload TEXT, badge INTEGER NOT NULL DEFAULT 0, language TEXT NOT NULL DEFAULT '', created INTEGER NOT NULL,
    PRIMARY KEY (username, device_id, message_id)
  );
  CREATE INDEX stream_pushes_created ON stream_pushes(created);
  `,
  // 2: delivery claims (a lease per row, so a dead worker's rows are taken again) and the
  // settings of SPEC 1.7 as one JSON column (empty = none set).
  `
  ALTER TABLE deliveries ADD COLUMN claimed_by TEXT;
  ALTER TABLE deliveries ADD COLUMN claimed_until INTEGER;
  ALTER TABLE app_settings ADD COLUMN rules TEXT NOT NULL DEFAULT '';
  `,
  // 3: SPEC 1.7/1.8 — how a message went through do-not-disturb and how it mentions the user, on
  // every decision (held ones grouped by reason, via and mention); pending summaries, claimed
  // under a lease like deliveries so one node sends each.
  `
  ALTER TABLE trace ADD COLUMN via TEXT NOT NULL DEFAULT '';
  ALTER TABLE trace ADD COLUMN mention TEXT NOT NULL DEFAULT '';
  ALTER TABLE trace_held ADD COLUMN via TEXT NOT NULL DEFAULT '';
  ALTER TABLE trace_held ADD COLUMN mention TEXT NOT NULL DEFAULT '';
  CREATE TABLE summary_pending (
    username TEXT PRIMARY KEY, counts TEXT NOT NULL, due INTEGER, claimed_by TEXT, claimed_until INTEGER
  ) WITHOUT ROWID;
  CREATE INDEX summary_pending_due ON summary_pending(due);
  `,
  // 4: SPEC 9's jobs (callbacks to send, callbacks received, settings to mirror) with leased
  // claims like deliveries; a key keeps one pending job per key; received callIds for 24 h;
  // outcomes counted per kind.
  `
  CREATE TABLE jobs (
    id INTEGER PRIMARY KEY, kind TEXT NOT NULL, key TEXT UNIQUE, payload TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, due INTEGER NOT NULL, created INTEGER NOT NULL,
    gen INTEGER NOT NULL DEFAULT 0, last_error TEXT, claimed_by TEXT, claimed_until INTEGER
  );
  CREATE INDEX jobs_due ON jobs(due, id);
  CREATE TABLE callback_ids (call_id TEXT PRIMARY KEY, until INTEGER NOT NULL) WITHOUT ROWID;
  CREATE INDEX callback_ids_until ON callback_ids(until);
  CREATE TABLE job_outcomes (
    kind TEXT NOT NULL, outcome TEXT NOT NULL, n INTEGER NOT NULL, last_error TEXT, last_at INTEGER NOT NULL,
    PRIMARY KEY (kind, outcome)
  ) WITHOUT ROWID;
  `,
  // 5: the group log. A group message was an inbox row per member and a pending row per member's
  // device: keyed by user, so once a member's rows filled a page every message dirtied a page per
  // member (a 10,000-member group's message went from 93 ms to 1 s after 320 messages). Now it is
  // one row; each device keeps a cursor per group (everything up to `upto` acknowledged) and the
  // acks above it that came out of order; a member reads the log from `since` (the group's last
  // seq when they joined). Existing members keep since = 0: there are no log rows before this.
  // The cursor of resource '' is the user's own: what a device that was forgotten had acknowledged.
  `
  CREATE TABLE group_log (seq INTEGER PRIMARY KEY, group_id TEXT NOT NULL, sender TEXT NOT NULL);
  CREATE INDEX group_log_group ON group_log(group_id, seq, sender);
  ALTER TABLE group_members ADD COLUMN since INTEGER NOT NULL DEFAULT 0;
  CREATE TABLE group_cursors (
    username TEXT NOT NULL, resource TEXT NOT NULL, group_id TEXT NOT NULL, upto INTEGER NOT NULL,
    PRIMARY KEY (username, resource, group_id)
  ) WITHOUT ROWID;
  CREATE TABLE group_acks (
    username TEXT NOT NULL, resource TEXT NOT NULL, group_id TEXT NOT NULL, seq INTEGER NOT NULL,
    PRIMARY KEY (username, resource, group_id, seq)
  ) WITHOUT ROWID;
  `,
  // 6: pushed decisions grouped like held ones. A row per pushed user cost ~3 µs each (~12 ms of a
  // 10,000-member group's message) and 324 KB of its 703 KB. Now rows of up to 128 users (per
  // message, reason, via and mention; trace-entry.ts USERS_PER_ROW) map each name to its devices
  // ([device_id, result, notifier?]) as JSONB; lo and hi, the row's first and last name, find a
  // user's row. Outcomes recorded later are a small row per device, so a settled push rewrites no
  // row of other users; ord keeps the order they first arrived (devices not in the list are
  // appended in it). Existing rows move over with their devices as they were, results included.
  `
  CREATE TABLE trace_pushed (
    seq INTEGER NOT NULL, lo TEXT NOT NULL, hi TEXT NOT NULL, reason TEXT NOT NULL, via TEXT NOT NULL, mention TEXT NOT NULL,
    users BLOB NOT NULL, PRIMARY KEY (seq, lo)
  );
  CREATE TABLE trace_results (
    ord INTEGER PRIMARY KEY, seq INTEGER NOT NULL, username TEXT NOT NULL, device_id TEXT NOT NULL,
    notifier TEXT NOT NULL, result TEXT NOT NULL
  );
  CREATE UNIQUE INDEX trace_results_key ON trace_results(seq, username, device_id, notifier);
  INSERT INTO trace_pushed (seq, lo, hi, reason, via, mention, users)
    SELECT seq, min(username), max(username), reason, via, mention, jsonb_group_object(username, devices)
    FROM (
      SELECT t.seq, t.username, t.reason, t.via, t.mention,
        (row_number() OVER (PARTITION BY t.seq, t.reason, t.via, t.mention ORDER BY t.username) - 1) / 128 AS chunk,
        (SELECT jsonb_group_array(CASE WHEN d.value ->> 'notifier' IS NULL
           THEN jsonb_array(d.value ->> 'device_id', d.value ->> 'result')
           ELSE jsonb_array(d.value ->> 'device_id', d.value ->> 'result', d.value ->> 'notifier') END ORDER BY d.key)
         FROM json_each(t.devices) d) AS devices
      FROM trace t WHERE t.push = 1
    ) GROUP BY seq, reason, via, mention, chunk;
  INSERT INTO trace_held (seq, reason, via, mention, users)
    SELECT seq, reason, via, mention, json_group_array(username) FROM trace WHERE push = 0 GROUP BY seq, reason, via, mention;
  DROP TABLE trace;
  `,
];

/** Brings the database to the newest schema (or to `upTo`, for tests of a step), one transaction per step. */
export function migrate(db: Database.Database, upTo = MIGRATIONS.length): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const row = db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
  let version = row?.version ?? 0;
  if (!row) db.prepare('INSERT INTO schema_version (version) VALUES (0)').run();
  for (; version < upTo; version++) {
    const step = MIGRATIONS[version]!;
    db.transaction(() => {
      db.exec(step);
      db.prepare('UPDATE schema_version SET version = ?').run(version + 1);
    })();
  }
  return version;
}

export const SCHEMA_VERSION = MIGRATIONS.length;
