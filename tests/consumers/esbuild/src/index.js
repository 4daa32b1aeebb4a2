// Bundled by esbuild (`--bundle --format=esm --loader:.wasm=file`). esbuild does not emit assets
// for `new URL(…, import.meta.url)`, so the page uses `clientele/init` and imports both .wasm
// files with esbuild's `file` loader, which copies them beside the bundle and gives their paths.
import * as clientele from 'clientele/init';
import wasmUrl from 'clientele/clientele_wasm_bg.wasm';
import keysUrl from 'clientele/clientele_keys_bg.wasm';
import { fixtures } from '../shared/fixtures.mjs';
import { scenario } from '../shared/scenario.mjs';

await clientele.init(new URL(wasmUrl, import.meta.url));
await clientele.loadKeys(new URL(keysUrl, import.meta.url));
document.querySelector('#result').textContent = JSON.stringify(await scenario(clientele, fixtures));
