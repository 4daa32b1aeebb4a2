// Node 20, ESM: `import` resolves the package's `node` + `import` condition.
import * as clientele from 'clientele';
import { fixtures } from './shared/fixtures.mjs';
import { scenario } from './shared/scenario.mjs';

const entry = import.meta.resolve('clientele').split('/node_modules/clientele/')[1];
console.log(JSON.stringify({ runtime: `node ${process.version}`, entry, results: await scenario(clientele, fixtures) }));
