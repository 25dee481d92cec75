// The folder rules of ARCHITECTURE §3, checked in CI: a wrong import fails the build.
const ENGINES = '(interaction|memory|presence|router|policy|persona|trust)';

module.exports = {
  forbidden: [
    {
      name: 'bus-is-pure',
      comment: 'engines/bus is the contract: pure TypeScript, no Node, nothing else of ours.',
      severity: 'error',
      from: { path: '^engines/bus/', pathNot: '\\.(test|fixture)\\.ts$' },
      to: { pathNot: '^engines/bus/|node_modules/zod/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'engine-isolation',
      comment:
        'An engine may import the bus, storage, Node and npm packages; never another engine, the host or the tools.',
      severity: 'error',
      // Tests may borrow fixtures (the model generator, the fork spawner) from outside.
      from: { path: `^engines/${ENGINES}/`, pathNot: '\\.(test|fixture)\\.ts$' },
      to: { path: '^engines/(host|tools)/|^src-|^scripts/|^e2e/|^bench/' },
    },
    {
      name: 'no-engine-to-engine',
      severity: 'error',
      from: { path: `^engines/${ENGINES}/` },
      to: { path: `^engines/${ENGINES}/`, pathNot: '^engines/$1/' },
    },
    {
      name: 'storage-only-bus',
      severity: 'error',
      from: { path: '^engines/storage/', pathNot: '\\.(test|fixture)\\.ts$' },
      to: { path: '^engines/(?!storage/|bus/)|^src-|^scripts/' },
    },
    {
      name: 'electron-only-in-shell',
      comment:
        'Only src-main and src-preload may import electron; that is what lets everything else run in Node and Chromium.',
      severity: 'error',
      from: { pathNot: '^src-main/|^src-preload/' },
      to: { path: '^electron$|node_modules/electron/' },
    },
    {
      name: 'tools-only-from-host',
      severity: 'error',
      from: { pathNot: '^engines/(host|tools)/' },
      to: { path: '^engines/tools/' },
    },
    {
      name: 'renderer-only-bus-types',
      comment:
        'The renderer talks to the host through ipc/client.ts only, and knows nothing but the contract.',
      severity: 'error',
      from: { path: '^src-renderer/' },
      to: { path: '^engines/(?!bus/)|^src-(main|preload)/|^scripts/' },
    },
    {
      name: 'renderer-no-node',
      severity: 'error',
      from: { path: '^src-renderer/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'preload-narrow',
      severity: 'error',
      from: { path: '^src-preload/' },
      to: { path: '^engines/(?!bus/)|^src-(main|renderer)/' },
    },
    {
      name: 'main-through-host',
      severity: 'error',
      from: { path: '^src-main/' },
      to: { path: '^engines/(?!host/|bus/)|^src-(renderer|preload)/|^scripts/' },
    },
    {
      name: 'product-code-not-from-scripts',
      comment: 'Generators and build helpers in scripts/ serve tests and benchmarks, not the app.',
      severity: 'error',
      from: {
        path: '^(engines|src-main|src-preload|src-renderer)/',
        pathNot: '\\.(test|fixture)\\.ts$',
      },
      to: { path: '^scripts/' },
    },
    {
      name: 'doors-only',
      comment:
        'Outside an engine folder only its index.ts may be imported; tests and benches may also use engines/host/testing.ts and *.fixture.ts files.',
      severity: 'error',
      from: { path: '^engines/([^/]+)/' },
      to: {
        path: '^engines/[^/]+/',
        pathNot: [
          '^engines/$1/',
          '^engines/[^/]+/index\\.ts$',
          '^engines/host/testing\\.ts$',
          '\\.fixture\\.ts$',
        ],
      },
    },
    {
      name: 'doors-only-outside-engines',
      severity: 'error',
      from: { path: '^(src-main|src-preload|src-renderer|scripts|bench|e2e)/' },
      to: {
        path: '^engines/[^/]+/',
        pathNot: ['^engines/[^/]+/index\\.ts$', '^engines/host/testing\\.ts$', '\\.fixture\\.ts$'],
      },
    },
    {
      name: 'test-helpers-only-in-tests',
      comment: 'testing.ts and fixtures serve tests, benches and scripts, never the product.',
      severity: 'error',
      from: {
        path: '^(engines|src-main|src-preload|src-renderer)/',
        pathNot: '\\.(test|fixture)\\.ts$|^(engines/host|src-renderer/ipc)/testing\\.ts$',
      },
      to: { path: '^(engines/host|src-renderer/ipc)/testing\\.ts$|\\.fixture\\.ts$' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    exclude: { path: '^out/' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'] },
  },
};
