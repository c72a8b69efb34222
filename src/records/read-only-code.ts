/** ReadOnly as one small number, for columnar forms (journal chunks, import batches): 0 false, 1 true, 2 absent. */
export function readOnlyCode(readOnly: boolean | undefined): number {
  return readOnly === undefined ? 2 : readOnly ? 1 : 0;
}

export function readOnlyOf(code: number | undefined): boolean | undefined {
  return code === 2 ? undefined : code === 1;
}
