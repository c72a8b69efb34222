/**
 * CloudTrail Lake state: event data stores, queries, channels and imports as JSON documents
 * (one table, keyed by kind and id), query results, and the ingestion cursors.
 */
export const LAKE_SCHEMA = `
CREATE TABLE IF NOT EXISTS lake_objects (
  kind       TEXT NOT NULL,
  id         TEXT NOT NULL,
  account_id TEXT NOT NULL,
  doc        TEXT NOT NULL,
  PRIMARY KEY (kind, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS lake_query_results (
  query_id   TEXT PRIMARY KEY,
  columns    TEXT NOT NULL,
  rows       TEXT NOT NULL,
  row_count  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS lake_cursors (
  name TEXT PRIMARY KEY,
  seq  INTEGER NOT NULL
) WITHOUT ROWID;
`;
