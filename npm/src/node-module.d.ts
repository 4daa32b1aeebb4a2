// The one Node API the ESM Node entry uses, declared here so the build needs no @types/node
// (the host layer is written against what both browsers and Node have). Not shipped.
declare module 'node:module' {
  export function createRequire(path: string | URL): (id: string) => unknown;
}
