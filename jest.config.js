// One Jest run over every package: TypeScript through SWC, ESM, workspace packages mapped to
// their sources so that tests never depend on a stale build.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2023',
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/contracts', '<rootDir>/services', '<rootDir>/scripts', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@lienganh/contracts$': '<rootDir>/contracts/src/index.ts',
    '^@lienganh/([a-z-]+)$': '<rootDir>/services/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  // Each test file starts its own nats-server; two workers fit the 2-core machines.
  maxWorkers: 2,
  // ESM test files (vm modules) are never freed: a worker grows by tens of MB a file, to 2 GB and
  // more, and its garbage collector's long pauses then starve sockets and timers (NATS dials timing
  // out at 20 s, leases lapsing, hooks passing 30 s). A worker past this after a file is replaced (800 MB still let a browser test's dial time out once in two runs).
  workerIdleMemoryLimit: '600MB',
  testTimeout: 30_000,
};
