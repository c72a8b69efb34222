/** Module rules for src/: see docs/ARCHITECTURE.md ("Module graph"). */
const PURE = '^src/(records|services|protocol|api|recorder|proxy|trails)/';
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'cross-folder-through-index',
      comment: 'A folder is entered only through its index.ts.',
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { path: '^src/([^/]+)/.+', pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$'] },
    },
    {
      name: 'pure-cores-without-io',
      comment: 'Records, recorder, proxy, services, protocol and api are pure: no file, network or database access.',
      severity: 'error',
      from: { path: PURE, pathNot: '\\.test\\.ts$' },
      to: { dependencyTypes: ['core', 'npm'], path: '^(fs|node:fs|net|node:net|http|node:http|https|node:https|child_process|node:child_process|better-sqlite3|pg|undici)' },
    },
    {
      name: 'services-never-see-http',
      severity: 'error',
      from: { path: '^src/services/' },
      to: { path: '^src/(gateway|protocol|cli)/' },
    },
    {
      name: 'only-the-composition-root-picks-backends',
      comment: 'Concrete stores are built in src/main.ts (and the CLI commands that open a store offline go through it).',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/main\\.ts$', '^src/store/', '\\.test\\.ts$'] },
      to: { path: '^src/store/(sqlite|postgres)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    exclude: { path: '\\.test\\.ts$' },
  },
};
