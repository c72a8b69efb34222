import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts `entry` (a module next to the caller, given as its `.js` URL) on a worker thread. Run from
 * TypeScript source (the tests, under tsx), the `.ts` file is loaded instead: a worker does not
 * inherit tsx's loader, so it registers it before loading its entry.
 */
export function startModuleWorker(entry: URL, options: WorkerOptions): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(entry, options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const source = entry.href.replace(/\.js$/, '.ts');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(source)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}
