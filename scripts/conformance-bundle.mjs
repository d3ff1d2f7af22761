// Usage: node scripts/conformance-bundle.mjs OUTFILE
// Bundles src/main.ts into one ES module for the conformance runs, so that each of the ~79
// service starts skips tsx's per-import transform hooks (measured: start to ready about twice
// as fast). Packages stay external (loaded from node_modules as usual). Each source file's
// `import.meta.url` (and `.filename`, `.dirname`) is replaced by that file's own, so paths the
// code derives from it (streams/, src/data/, the repo root) are the same as when it runs from src/.
// No source map (node --enable-source-maps costs ~100 ms a start): to debug a failure with
// stack traces into src/, run with CONFORMANCE_BUNDLE=0.
// esbuild comes with tsx; if it is missing this exits 1 and the caller falls back to tsx.
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const outfile = process.argv[2];
if (!outfile) {
  console.error('usage: conformance-bundle.mjs OUTFILE');
  process.exit(2);
}
const repo = fileURLToPath(new URL('..', import.meta.url));

let esbuild;
try {
  esbuild = await import('esbuild');
} catch (e) {
  console.error(`conformance-bundle: esbuild not available (${e.message})`);
  process.exit(1);
}

const ownImportMetaUrl = {
  name: 'own-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.[cm]?ts$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      const contents = source
        .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(path).href))
        .replaceAll('import.meta.filename', JSON.stringify(path))
        .replaceAll('import.meta.dirname', JSON.stringify(dirname(path)));
      return { contents, loader: 'ts' };
    });
  },
};

await esbuild.build({
  absWorkingDir: repo,
  entryPoints: ['src/main.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
  plugins: [ownImportMetaUrl],
});
