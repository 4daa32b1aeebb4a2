// Bundled by webpack 5 with no configuration file (`webpack --mode production`): the `browser`
// condition's entry; webpack emits the .wasm files from `new URL(…, import.meta.url)` and
// supports the entry's top-level await by default.
import * as clientele from 'clientele';
import { fixtures } from '../shared/fixtures.mjs';
import { scenario } from '../shared/scenario.mjs';

document.querySelector('#result').textContent = JSON.stringify(await scenario(clientele, fixtures));
