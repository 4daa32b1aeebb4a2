// `.wasm?module` imports (worker.ts): the bundlers of Workers runtimes (wrangler, Next.js Edge)
// turn them into a compiled `WebAssembly.Module`. Typed structurally so the build needs neither
// the DOM library nor Workers' types. Not shipped.
declare module '*.wasm?module' {
  const module: object;
  export default module;
}
