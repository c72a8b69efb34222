/**
 * SQLite schema of the journal (see docs/ARCHITECTURE.md, "Journal layout"). Records live in
 * zstd-compressed chunks of consecutive events; `chunks` holds their small facts, `chunk_data` the
 * bytes; `postings` says which chunks hold which attribute values; `event_ids` finds an eventID's chunk,
 * with `event_ids_recent` in front of it taking new ids (ChunkJournal merges them over a range at a time);
 * `chunk_rewrites` numbers the chunks merges and purges removed or rewrote, so other connections drop
 * their decoded copies.
 */
export const SCHEMA_VERSION = 2;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS strings (id INTEGER PRIMARY KEY, value TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS dictionaries (id INTEGER PRIMARY KEY, data BLOB NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS chunks (
  id INTEGER PRIMARY KEY,
  last_seq INTEGER NOT NULL,
  count INTEGER NOT NULL,
  received INTEGER NOT NULL,
  received_max INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS chunk_data (id INTEGER PRIMARY KEY, data BLOB NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS postings (
  part INTEGER NOT NULL,
  attr INTEGER NOT NULL,
  term INTEGER NOT NULL,
  tmax INTEGER NOT NULL,
  chunk INTEGER NOT NULL,
  span INTEGER NOT NULL,
  PRIMARY KEY (part, attr, term, tmax, chunk)
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS event_ids (
  hash INTEGER NOT NULL,
  chunk INTEGER NOT NULL,
  PRIMARY KEY (hash, chunk)
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS event_ids_recent (
  hash INTEGER NOT NULL,
  chunk INTEGER NOT NULL,
  PRIMARY KEY (hash, chunk)
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS chunk_rewrites (n INTEGER PRIMARY KEY, chunk INTEGER NOT NULL) STRICT;
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
