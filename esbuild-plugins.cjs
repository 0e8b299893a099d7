/**
 * esbuild plugins for the Lambda bundles (serverless.yml's custom.esbuild.plugins).
 *
 * - pdfkit 0.20 loads its standard-font metrics with `require$1('#standard-fonts/…')`, an import
 *   map a bundle does not have; point it at the package's own files, which esbuild then inlines.
 * - lib/adapters/assetRoot.ts finds templates/ and assets/ two folders above itself; in a bundle
 *   (functions/<name>.mjs) they sit one folder above it, where package.patterns puts them.
 */
const { readFile } = require('node:fs/promises');

const pdfkitStdFonts = {
  name: 'pdfkit-std-fonts',
  setup(build) {
    build.onLoad({ filter: /[\\/]pdfkit[\\/]js[\\/]pdfkit\.(node\.mjs|js)$/ }, async (args) => ({
      loader: 'js',
      contents: (await readFile(args.path, 'utf8'))
        .replace(/require\$1\('#standard-fonts\/(\w+)'\)/g, (_, font) => `require('pdfkit/standard-fonts/${font}')`),
    }));
  },
};

const bundledAssetRoot = {
  name: 'bundled-asset-root',
  setup(build) {
    build.onLoad({ filter: /[\\/]lib[\\/]adapters[\\/]assetRoot\.ts$/ }, () => ({
      loader: 'js',
      contents: "export const ASSET_ROOT = new URL('../', import.meta.url);",
    }));
  },
};

module.exports = [pdfkitStdFonts, bundledAssetRoot];
