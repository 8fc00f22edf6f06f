/** Bundles demo/main.js and demo/worker.js into demo/dist/; resolves to esbuild's metafile. */
export function buildDemo(options?: { quiet?: boolean }): Promise<{ outputs: Record<string, { bytes: number }> }>;
