// Bun, with the package installed into node_modules: `import` resolves the package's `node` condition.
import * as clientele from 'clientele';
import { fixtures } from './shared/fixtures.mjs';
import { scenario } from './shared/scenario.mjs';

const entry = import.meta.resolve('clientele').split('/node_modules/clientele/')[1];
console.log(JSON.stringify({ runtime: `bun ${Bun.version}`, entry, results: await scenario(clientele, fixtures) }));
