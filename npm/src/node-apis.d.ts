// The Node APIs the Node entries use, declared here so the build needs no @types/node (the host
// layer is written against what both browsers and Node have). Not shipped.
declare module 'node:module' {
  export function createRequire(path: string | URL): (id: string) => unknown;
}
declare module 'node:fs' {
  export function readFileSync(path: string | URL): Uint8Array;
}
