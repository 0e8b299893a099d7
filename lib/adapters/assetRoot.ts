/**
 * The folder that holds `templates/` and `assets/`: the repository root (this file is
 * lib/adapters/assetRoot.ts). A Lambda bundle replaces this module (esbuild-plugins.cjs): there the
 * root is the folder above the bundle's own, where the package puts both folders.
 */
export const ASSET_ROOT = new URL('../../', import.meta.url);
