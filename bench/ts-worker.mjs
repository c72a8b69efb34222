// Worker-thread entry that can run TypeScript: workers do not inherit `--import tsx`'s loader
// hooks, so register tsx here, then import the real module named in workerData.entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
