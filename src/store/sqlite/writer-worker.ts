/**
 * The writer thread's body (WriterThread starts it): a connection of its own to the store in
 * `workerData.dataDir`, running each write it is sent in order and answering once it is done (an
 * append once it is on disk).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { EventStore } from '../types.js';
import { openSqliteStore } from './open.js';
import type { WriteReply, WriteRequest } from './writer-thread.js';

const { dataDir } = workerData as { dataDir: string };
const port = parentPort!;
const store = openSqliteStore({ dataDir });
let queue: Promise<void> = Promise.resolve();

function run(events: EventStore, request: WriteRequest): Promise<unknown> {
  switch (request.op) {
    case 'append':
      return events.append(request.entries);
    case 'compact':
      return events.compact();
    case 'purge':
      return events.purgeReceivedBefore(request.cutoff, request.maxEvents);
  }
}

port.on('message', (request: WriteRequest | 'close') => {
  if (request === 'close') {
    queue = queue.then(() => store.close()).then(() => port.close());
    return;
  }
  queue = queue.then(async () => {
    let reply: WriteReply;
    try {
      reply = { id: request.id, result: await run(store.events, request) };
    } catch (error) {
      reply = { id: request.id, error: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(reply);
  });
});
