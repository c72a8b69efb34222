/**
 * Trails' tables. A trail's configuration, status and delivery progress are JSON documents in one
 * row, so each commit of delivery progress is one small write. Applied by open.ts on every start.
 */
export const TRAIL_SCHEMA = `
CREATE TABLE IF NOT EXISTS trails (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  arn TEXT NOT NULL,
  config TEXT NOT NULL,
  status TEXT NOT NULL,
  delivery TEXT,
  deleted_at INTEGER
);
CREATE UNIQUE INDEX IF NOT EXISTS trails_live_arn ON trails (arn) WHERE deleted_at IS NULL;
CREATE TABLE IF NOT EXISTS trail_signing_keys (
  region TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  public_key BLOB NOT NULL,
  private_key TEXT NOT NULL,
  valid_from INTEGER NOT NULL,
  valid_to INTEGER,
  PRIMARY KEY (region, fingerprint)
);
`;
