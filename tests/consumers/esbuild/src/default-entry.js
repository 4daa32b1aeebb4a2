// The default entry bundled by esbuild alone: esbuild leaves `new URL(…, import.meta.url)` as it
// is and copies no .wasm, so this bundle's import must reject with a typed ClienteleError
// `init_failed` (default-entry.html reports what it gets).
export * from 'clientele';
