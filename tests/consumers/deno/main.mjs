// Deno, with the package installed by npm into node_modules (Deno reads package.json and uses
// it): `import` resolves the package's `node` condition.
import * as clientele from 'clientele';
import { fixtures } from './shared/fixtures.mjs';
import { scenario } from './shared/scenario.mjs';

const entry = import.meta.resolve('clientele').split('/node_modules/clientele/')[1];
console.log(JSON.stringify({ runtime: `deno ${Deno.version.deno}`, entry, results: await scenario(clientele, fixtures) }));
