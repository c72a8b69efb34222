import { join } from 'node:path';

/** Where each dataset lives under the Lake directory (`<data-dir>/lake`). */
export class LakePaths {
  constructor(readonly root: string) {}

  store(storeId: string): string {
    return join(this.root, 'stores', storeId);
  }

  history(accountId: string): string {
    return join(this.root, 'history', `account=${accountId}`);
  }
}
