// Node 20, CommonJS: `require` resolves the package's `node` + `require` condition, synchronously.
const clientele = require('clientele');

const entry = require.resolve('clientele').split('/node_modules/clientele/')[1];
(async () => {
  const { fixtures } = await import('./shared/fixtures.mjs');
  const { scenario } = await import('./shared/scenario.mjs');
  console.log(JSON.stringify({ runtime: `node ${process.version}`, entry, results: await scenario(clientele, fixtures) }));
})();
