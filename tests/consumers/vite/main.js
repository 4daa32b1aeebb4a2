// Built by Vite with no configuration: the `browser` condition's entry, the .wasm files emitted
// from `new URL(…, import.meta.url)`.
import * as clientele from 'clientele';
import { fixtures } from './shared/fixtures.mjs';
import { scenario } from './shared/scenario.mjs';

document.querySelector('#result').textContent = JSON.stringify(await scenario(clientele, fixtures));
