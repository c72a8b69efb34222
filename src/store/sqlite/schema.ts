/**
 * SQLite schema of the journal. Records live in brotli-compressed chunks (the bulky part);
 * the `events` table is the small index: interned attribute ids, times, and where the record sits.
 */
export const SCHEMA_VERSION = 1;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS strings (id INTEGER PRIMARY KEY, value TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS chunks (id INTEGER PRIMARY KEY AUTOINCREMENT, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id ANY NOT NULL,
  part INTEGER NOT NULL,
  time INTEGER NOT NULL,
  received INTEGER NOT NULL,
  name INTEGER NOT NULL,
  source INTEGER NOT NULL,
  user INTEGER,
  akid INTEGER,
  ro INTEGER,
  chunk INTEGER NOT NULL,
  off INTEGER NOT NULL,
  len INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX IF NOT EXISTS events_by_id ON events (event_id);
CREATE INDEX IF NOT EXISTS events_by_time ON events (part, time);
CREATE INDEX IF NOT EXISTS events_by_name ON events (part, name, time);
CREATE INDEX IF NOT EXISTS events_by_source ON events (part, source, time);
CREATE INDEX IF NOT EXISTS events_by_user ON events (part, user, time) WHERE user IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_by_akid ON events (part, akid, time) WHERE akid IS NOT NULL;
CREATE TABLE IF NOT EXISTS resources (
  seq INTEGER NOT NULL,
  rtype INTEGER NOT NULL,
  rname INTEGER NOT NULL,
  part INTEGER NOT NULL,
  time INTEGER NOT NULL,
  PRIMARY KEY (seq, rtype, rname)
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS resources_by_name ON resources (part, rname, time, seq);
CREATE INDEX IF NOT EXISTS resources_by_type ON resources (part, rtype, time, seq);
CREATE TABLE IF NOT EXISTS credentials (
  access_key_id TEXT PRIMARY KEY,
  secret_access_key TEXT NOT NULL,
  account_id TEXT NOT NULL,
  principal_type TEXT NOT NULL,
  principal_name TEXT,
  session_name TEXT,
  created_at INTEGER NOT NULL
) STRICT;
`;
