import { after, before } from 'node:test';
import { PostgresServer, requirePostgres } from '../support/postgres.js';
import { eventStoreSuite, lakeStateSuite, trailStoreSuite } from '../../src/store/testing/index.js';
import type { StoreFactory } from '../../src/store/testing/index.js';
import { openPostgresStore } from '../../src/store/postgres/index.js';

const skip = requirePostgres();
let server: PostgresServer | undefined;
before(async () => {
  if (!skip) server = await PostgresServer.start({ durable: false });
});
after(async () => {
  await server?.stop();
});

const factory: StoreFactory = {
  create: async () => {
    if (!server) throw new Error('PostgreSQL is not running');
    const url = await server.createDatabase('suite');
    return { store: await openPostgresStore({ url }), reopen: () => openPostgresStore({ url }) };
  },
  compactsSmallAppends: false,
};

if (!skip) {
  eventStoreSuite('PostgreSQL', factory);
  trailStoreSuite('PostgreSQL', factory);
  lakeStateSuite('PostgreSQL', factory);
}
