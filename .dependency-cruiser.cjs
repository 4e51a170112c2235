// The import graph's rules, checked by `npm run lint` (dependency-cruiser sees whole-program imports, type-only
// ones included, which a per-file linter cannot). The layers are design.md's: an import only goes down a layer
// or stays inside its own folder; folders on the same layer do not import each other (scanner and explain both
// stand on net and browser, neither on the other). Tests sit above everything: they may import any layer, the
// lab, fixtures and test/support, but nothing else may import a test.

/** Bottom to top; each entry is a layer, each name a folder under src/. */
const layers = [
  ['fetch'],
  // net sits under the Chromium harness: the harness maps net's parsed `--resolve` rules to Chromium's
  // host-resolver rules, so the browser reaches the servers the HTTP client reaches (one parser).
  ['net'],
  ['chromium', 'browser', 'policy'],
  ['adapters', 'scanner', 'explain'],
  ['lab', 'testing', 'queue'],
  ['cli'],
];

/** Test code: unit and suite files, their fixtures, the shared test support and the browser suites. */
const testCode = '(\\.test\\.ts$|/__fixtures__/|^test/)';

const oneOf = (names) => `^src/(${names.join('|')})/`;

/** For each folder, the rule that it imports neither a layer above nor a sibling on its own layer. */
const layerRules = layers.flatMap((layer, i) =>
  layer.map((folder) => {
    const below = layers.slice(0, i).flat();
    const forbidden = [...layer.filter((f) => f !== folder), ...layers.slice(i + 1).flat()];
    return {
      name: `layer-${folder}`,
      severity: 'error',
      comment:
        `src/${folder} (layer ${i}) may import only its own folder and ${below.join(', ') || 'no other folder'}: ` +
        'move the shared code down a layer, or pass it in as a parameter.',
      from: { path: `^src/${folder}/`, pathNot: testCode },
      to: { path: oneOf(forbidden) },
    };
  }),
);
// The top layer has nothing above it and no sibling: no rule to write.
const rules = layerRules.filter((rule) => rule.to.path !== oneOf([]));

module.exports = {
  forbidden: [
    ...rules,
    {
      name: 'no-import-of-root',
      severity: 'error',
      comment: 'src/index.ts only composes the public root entry point; library code imports the module itself.',
      from: { path: '^src/', pathNot: testCode },
      to: { path: '^src/index\\.ts$' },
    },
    {
      name: 'no-import-of-tests',
      severity: 'error',
      comment: 'Shipped code must not depend on tests, fixtures or test/support (they are not in dist/).',
      from: { path: '^src/', pathNot: testCode },
      to: { path: testCode },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A file import cycle: move what both files need into a third file below them.',
      from: {},
      // A cycle is one that loads modules: a loop closed only by `import type` edges is erased at compile time
      // and has no load order to get wrong (the scanner derives CheckId from its list of checks that way).
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to no file or installed package.',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'not-to-dev-dep',
      severity: 'error',
      comment:
        'Shipped code imports a devDependency at run time: add it to dependencies (or peerDependencies for a ' +
        'framework an adapter plugs into), or import only its types.',
      from: { path: '^src/', pathNot: testCode },
      to: {
        dependencyTypes: ['npm-dev'],
        dependencyTypesNot: ['type-only', 'npm-peer'],
      },
    },
    {
      name: 'no-non-package-json',
      severity: 'error',
      comment: 'An import of a package that package.json does not list.',
      from: {},
      // dependency-cruiser 17 also tags some listed packages npm-no-pkg (a peer that is a devDependency too); a
      // package listed in any section is fine here.
      to: {
        dependencyTypes: ['npm-no-pkg', 'npm-unknown'],
        dependencyTypesNot: ['npm', 'npm-dev', 'npm-peer', 'npm-optional'],
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports are dependencies too: a type cycle is still a cycle, and a type from a layer above still
    // ties the lower layer to it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
