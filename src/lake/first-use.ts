import type { LakeObjectKind, LakeResults, LakeStateStore } from '../store/index.js';

/**
 * The Lake state as the API sees it, calling `firstUse` (once, awaited) before the first Lake
 * operation goes through: how the server starts Lake ingestion, and its DuckDB, only once the Lake
 * is used rather than in every process (DuckDB adds about 55 MB resident).
 */
export function onFirstUse(state: LakeStateStore, firstUse: () => Promise<void>): LakeStateStore {
  let started: Promise<void> | undefined;
  const ready = (): Promise<void> => (started ??= firstUse());
  return {
    put: async (kind: LakeObjectKind, id: string, accountId: string, doc: object) => (await ready(), state.put(kind, id, accountId, doc)),
    get: async <T>(kind: LakeObjectKind, id: string) => (await ready(), state.get<T>(kind, id)),
    list: async <T>(kind: LakeObjectKind, accountId?: string) => (await ready(), state.list<T>(kind, accountId)),
    delete: async (kind: LakeObjectKind, id: string) => (await ready(), state.delete(kind, id)),
    putResults: async (queryId: string, columns: readonly string[], rows: readonly (readonly string[])[]) => (await ready(), state.putResults(queryId, columns, rows)),
    readResults: async (queryId: string, offset: number, limit: number): Promise<LakeResults | undefined> => (await ready(), state.readResults(queryId, offset, limit)),
    cursor: async (name: string) => (await ready(), state.cursor(name)),
    setCursor: async (name: string, seq: number) => (await ready(), state.setCursor(name, seq)),
  };
}
