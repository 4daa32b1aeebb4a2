// Tests the npm package `clientele` as its users get it: builds it if its inputs changed, packs
// the tarball, installs it into a scratch consumer (target/npm/consumer, outside the package so
// nothing resolves to the sources), and runs
//   1. the node:test suites (shared fixtures, clients against a local HTTP server, error paths,
//      both entries, the README's Node quickstart) against the installed package,
//   2. the type test: `tsc --noEmit` on a consumer file under `nodenext` and under `bundler`,
//   3. the browser test: a Vite build of a page (the README's browser quickstart) from the
//      installed package, opened in headless Chromium through playwright-core.
// The last line is always `npm: N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { CHROMIUM, CHROMIUM_FLAGS, ensureBuilt, ensureChromium, npm, pack, root, run, serveStatic, waitFor } from './harness.mjs';
import { readmeBlocks } from '../test/readme.mjs';

const work = join(root, 'target/npm');
const consumer = join(work, 'consumer');
const started = Date.now();
const parts = []; // { name, passed, failed, ms }
const timings = [];

function section(title) {
  console.log(`\n=== ${title}`);
}

function time(label, f) {
  const t = Date.now();
  const result = f();
  timings.push(`${label} ${((Date.now() - t) / 1000).toFixed(1)} s`);
  return result;
}

async function timeAsync(label, f) {
  const t = Date.now();
  const result = await f();
  timings.push(`${label} ${((Date.now() - t) / 1000).toFixed(1)} s`);
  return result;
}

function finish() {
  section('summary');
  for (const p of parts) console.log(`${p.name}: ${p.passed} passed, ${p.failed} failed`);
  console.log(`time: ${timings.join(', ')}; total ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const passed = parts.reduce((n, p) => n + p.passed, 0);
  const failed = parts.reduce((n, p) => n + p.failed, 0);
  console.log(`npm: ${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}


async function main() {
  // ---- tools and build ----------------------------------------------------------------------
  section('dependencies and build');
  ensureBuilt(time);

  // ---- size budget: every .wasm the package ships, gzip, against the budget -----------------------
  section('size');
  const size = JSON.parse(readFileSync(join(npm, 'dist/size.json'), 'utf8'));
  const sizeResult = { passed: 0, failed: 0 };
  for (const [name, m] of Object.entries(size.modules)) {
    const ok = m.gzipBytes <= m.budgetGzipBytes;
    console.log(
      `${ok ? 'ok' : 'FAIL'} ${name}_bg.wasm: ${m.rawBytes} bytes raw (${(m.rawBytes / 1024).toFixed(1)} KiB), ` +
        `${m.gzipBytes} bytes gzip (${(m.gzipBytes / 1024).toFixed(1)} KiB); budget ${m.budgetGzipBytes} bytes gzip`,
    );
    sizeResult[ok ? 'passed' : 'failed'] += 1;
  }
  parts.push({ name: 'size', ...sizeResult });

  // ---- pack and install into a scratch consumer ----------------------------------------------
  section('pack and install');
  const tarball = time('pack + install', () => {
    rmSync(work, { recursive: true, force: true });
    mkdirSync(consumer, { recursive: true });
    const tarball = pack(work);
    writeFileSync(
      join(consumer, 'package.json'),
      JSON.stringify({ name: 'clientele-consumer', private: true, type: 'module' }, null, 2) + '\n',
    );
    run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', tarball], { cwd: consumer });
    return tarball;
  });
  const installed = join(consumer, 'node_modules/clientele');
  const wasm = readFileSync(join(installed, 'dist/wasm/web/clientele_wasm_bg.wasm'));
  console.log(`installed ${tarball}: .wasm ${wasm.length} bytes raw, ${gzipSync(wasm, { level: 9 }).length} bytes gzip`);

  // ---- what the tarball ships: no tests, scripts or sources; types for every module ------------
  section('pack contents');
  const packResult = { passed: 0, failed: 0 };
  const shipped = [];
  const walk = (dir, prefix = '') => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const rel = prefix + entry.name;
      if (entry.isDirectory()) walk(join(dir, entry.name), `${rel}/`);
      else shipped.push(rel);
    }
  };
  walk(installed);
  const packCheck = (name, ok, detail = '') => {
    console.log(`${ok ? 'ok' : 'FAIL'} ${name}${ok || !detail ? '' : `: ${detail}`}`);
    packResult[ok ? 'passed' : 'failed'] += 1;
  };
  const stray = shipped.filter((f) => /(^|\/)(test|tests|examples|scripts|bench|src|node_modules)\/|\.test\.|\.tgz$|\.map$/.test(f));
  packCheck(`the tarball holds only dist/, README.md and package.json (${shipped.length} files)`, stray.length === 0, stray.slice(0, 5).join(', '));
  const untyped = shipped
    .filter((f) => /^dist\/(esm|cjs)\/.*\.(c?js)$/.test(f))
    .filter((f) => !shipped.includes(f.replace(/\.cjs$/, '.d.cts').replace(/\.js$/, '.d.ts')));
  packCheck('every JavaScript module ships its TypeScript declarations', untyped.length === 0, untyped.slice(0, 5).join(', '));
  const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
  const typePaths = JSON.stringify(manifest.exports).match(/"types":"[^"]+"/g) ?? [];
  const missingTypes = typePaths.map((t) => t.slice(9, -1).replace(/^\.\//, '')).filter((t) => !shipped.includes(t));
  packCheck(`every "types" the exports map names is in the tarball (${typePaths.length})`, typePaths.length > 0 && missingTypes.length === 0, missingTypes.join(', '));
  parts.push({ name: 'pack', ...packResult });

  // The README's code blocks, exactly as written.
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const blocks = readmeBlocks(readme);
  mkdirSync(join(consumer, 'readme'));
  for (const [name, code] of Object.entries(blocks)) writeFileSync(join(consumer, 'readme', name), code);

  // ---- node:test ---------------------------------------------------------------------------
  section('node:test against the installed package');
  // The end-to-end tests run the local sandbox (tests/sandbox) in process: install its packages.
  if (!existsSync(join(root, 'tests/sandbox/node_modules'))) {
    run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: join(root, 'tests/sandbox') });
  }
  cpSync(join(npm, 'test/node'), join(consumer, 'test'), { recursive: true });
  const tap = join(work, 'node-test.tap');
  const tests = readdirSync(join(consumer, 'test'))
    .filter((f) => f.endsWith('.test.mjs') || f.endsWith('.test.cjs'))
    .sort()
    .map((f) => join('test', f));
  const nodeRun = time('node:test', () =>
    spawnSync(
      process.execPath,
      ['--test', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...tests],
      {
        cwd: consumer,
        stdio: 'inherit',
        env: {
          ...process.env,
          CLIENTELE_FIXTURES: join(root, 'tests/fixtures'),
          CLIENTELE_README: join(root, 'README.md'),
          CLIENTELE_NPM_README: join(npm, 'README.md'),
          CLIENTELE_INSTALLED: installed,
          CLIENTELE_SANDBOX: join(root, 'tests/sandbox/server.mjs'),
          CLIENTELE_WALLET: join(npm, 'examples/wallet.mjs'),
        },
      },
    ),
  );
  const tapText = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  const count = (what) => Number((tapText.match(new RegExp(`^# ${what} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
  let nodePassed = count('pass');
  let nodeFailed = count('fail') + count('cancelled');
  if (nodeRun.status !== 0 && nodeFailed === 0) nodeFailed = 1; // a crash is a failure
  if (nodePassed === 0 && nodeFailed === 0) nodeFailed = 1; // ran nothing
  parts.push({ name: 'node:test', passed: nodePassed, failed: nodeFailed });

  // ---- type test ---------------------------------------------------------------------------
  section('type test: tsc --noEmit under nodenext and bundler');
  cpSync(join(npm, 'test/types'), join(consumer, 'types'), { recursive: true });
  const strict = { strict: true, noEmit: true, target: 'es2022', skipLibCheck: false, noUncheckedIndexedAccess: true };
  const configs = {
    // A Node program (ESM and CommonJS files), with Node's types only.
    nodenext: {
      compilerOptions: { ...strict, module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2022'], types: ['node'], typeRoots: [join(npm, 'node_modules/@types')] },
      files: ['consumer.ts', 'consumer-require.cts'],
    },
    // A bundled browser app, with the DOM's types only.
    bundler: {
      compilerOptions: { ...strict, module: 'esnext', moduleResolution: 'bundler', lib: ['es2022', 'dom', 'dom.iterable'], types: [] },
      files: ['consumer.ts'],
    },
  };
  const tsc = join(npm, 'node_modules/.bin/tsc');
  let typesPassed = 0;
  let typesFailed = 0;
  time('tsc', () => {
    for (const [mode, config] of Object.entries(configs)) {
      const path = join(consumer, 'types', `tsconfig.${mode}.json`);
      writeFileSync(path, JSON.stringify(config, null, 2));
      const r = spawnSync(tsc, ['-p', path], { encoding: 'utf8' });
      if (r.status === 0) {
        console.log(`ok    tsc --noEmit (moduleResolution ${mode})`);
        typesPassed++;
      } else {
        console.log(`FAIL  tsc --noEmit (moduleResolution ${mode})\n${r.stdout}${r.stderr}`);
        typesFailed++;
      }
    }
  });
  parts.push({ name: 'types', passed: typesPassed, failed: typesFailed });

  // ---- browser test ------------------------------------------------------------------------
  section('browser test: Vite build, headless Chromium');
  const browser = await timeAsync('browser', () => browserTest(blocks));
  parts.push({ name: 'browser', ...browser });
}

// ---- the browser test ------------------------------------------------------------------------

async function browserTest(blocks) {
  const result = { passed: 0, failed: 0 };
  const check = (name, ok, detail = '') => {
    console.log(`${ok ? 'ok  ' : 'FAIL'}  ${name}${ok || !detail ? '' : `\n      ${detail}`}`);
    ok ? result.passed++ : result.failed++;
  };

  // The page: the README's form and script, plus a test-only page of browser-specific checks.
  const page = join(consumer, 'browser');
  cpSync(join(npm, 'test/browser'), page, { recursive: true });
  const index = readFileSync(join(page, 'index.html'), 'utf8').replace('<!-- README: quickstart-browser.html -->', blocks['quickstart-browser.html']);
  writeFileSync(join(page, 'index.html'), index);
  writeFileSync(join(page, 'quickstart-browser.js'), blocks['quickstart-browser.js']);
  writeFileSync(join(page, 'quickstart-init.js'), blocks['quickstart-init.js']);

  const { build } = await import(pathToFileURL(join(npm, 'node_modules/vite/dist/node/index.js')).href);
  try {
    await build({
      root: page,
      configFile: false,
      logLevel: 'warn',
      build: {
        outDir: 'dist',
        emptyOutDir: true,
        rolldownOptions: {
          input: { index: join(page, 'index.html'), checks: join(page, 'checks.html'), init: join(page, 'init.html') },
        },
      },
    });
  } catch (error) {
    check('vite build of the page from the installed package', false, String(error));
    return result;
  }
  const assets = readdirSync(join(page, 'dist/assets'));
  const wasmAsset = assets.find((f) => f.startsWith('clientele_wasm_bg') && f.endsWith('.wasm'));
  const keysAsset = assets.find((f) => f.startsWith('clientele_keys_bg') && f.endsWith('.wasm'));
  check(
    'vite build emits both .wasm modules as assets (no plugin)',
    wasmAsset !== undefined && keysAsset !== undefined,
    assets.join(', '),
  );

  if (!ensureChromium()) {
    check('headless Chromium is available', false, `${CHROMIUM} is missing and could not be installed`);
    return result;
  }

  // A static server for the build, and the "backend" the quickstart posts to.
  const posted = [];
  const server = await serveStatic(join(page, 'dist'), (req, res, url) => {
    if (url.pathname === '/static/clientele_wasm_bg.wasm' && wasmAsset !== undefined) {
      // Where the README's `clientele/init` example loads the module from.
      res.writeHead(200, { 'content-type': 'application/wasm' }).end(readFileSync(join(page, 'dist/assets', wasmAsset)));
      return true;
    }
    if (req.method === 'POST' && url.pathname === '/api/customers') {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        posted.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        res.writeHead(201, { 'content-type': 'application/json' }).end('{}');
      });
      return true;
    }
    return false;
  });
  const { origin, requested } = server;

  const { chromium } = await import(pathToFileURL(join(npm, 'node_modules/playwright-core/index.mjs')).href);
  const chrome = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, timeout: 60_000 });
  try {
    const tab = await chrome.newPage();
    const problems = [];
    tab.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    tab.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));

    // 1. The README's browser quickstart: a bad form shows every field issue.
    await tab.goto(`${origin}/`, { waitUntil: 'load' });
    const form = {
      email: 'ada@',
      phoneNumber: '+234 801 234 5678',
      firstName: 'Ada',
      lastName: 'Obi',
      bvn: '2222',
    };
    for (const [name, value] of Object.entries(form)) await tab.fill(`[name="${name}"]`, value);
    await tab.click('button[type="submit"]');
    await tab.waitForFunction(() => document.querySelector('[data-issue-for="email"]')?.textContent !== '', null, { timeout: 10_000 });
    const shown = await tab.$$eval('[data-issue-for]', (slots) =>
      slots.filter((s) => s.textContent !== '').map((s) => [s.getAttribute('data-issue-for'), s.textContent]),
    );
    // The same payload through the Node build of the same package: identical issues.
    const node = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `import { validateBlocCustomerCreate } from 'clientele'; console.log(JSON.stringify(validateBlocCustomerCreate(${JSON.stringify({ ...form, customerType: 'Personal' })})))`],
      { cwd: consumer, encoding: 'utf8' },
    );
    const expected = JSON.parse(node.stdout).map((i) => [i.path, i.message]);
    check(
      'README browser quickstart: a bad form shows every field issue (as the Node build reports them)',
      JSON.stringify(shown) === JSON.stringify(expected) && expected.map((e) => e[0]).join() === 'email,bvn',
      `shown ${JSON.stringify(shown)}, expected ${JSON.stringify(expected)}`,
    );

    // 2. Fixed, the issues clear and the payload goes to the backend.
    await tab.fill('[name="email"]', 'ada@example.com');
    await tab.fill('[name="bvn"]', '22222222222');
    await tab.click('button[type="submit"]');
    await waitFor(() => posted.length === 1, 10_000);
    const cleared = await tab.$$eval('[data-issue-for]', (slots) => slots.every((s) => s.textContent === ''));
    check(
      'README browser quickstart: a valid form clears the issues and posts the payload to the backend',
      cleared && posted[0]?.email === 'ada@example.com' && posted[0]?.bvn === '22222222222' && posted[0]?.customerType === 'Personal',
      `cleared=${cleared} posted=${JSON.stringify(posted)}`,
    );

    // 3. Browser-only behaviour, from test/browser/checks.js.
    await tab.goto(`${origin}/checks.html`, { waitUntil: 'load' });
    await tab.waitForFunction(() => document.querySelector('#result')?.textContent !== '', null, { timeout: 20_000 });
    const checks = JSON.parse(await tab.textContent('#result'));
    for (const c of checks) check(`in Chromium: ${c.name}`, c.ok, c.detail);
    check('no page errors or console errors', problems.length === 0, problems.join('\n      '));

    // 4. The README's `clientele/init` block: the module from the app's own URL, then the API.
    requested.length = 0;
    await tab.goto(`${origin}/init.html`, { waitUntil: 'load' });
    await tab.waitForFunction(() => document.querySelector('#result')?.textContent !== '', null, { timeout: 20_000 });
    const initResult = await tab.textContent('#result');
    check(
      "README clientele/init block: loads the .wasm from the app's URL, then the API works",
      initResult === '["email:invalid_email"]' && requested.includes('/static/clientele_wasm_bg.wasm') && !requested.some((p) => p.startsWith('/assets/') && p.endsWith('.wasm')),
      `${initResult}; requested ${requested.join(', ')}`,
    );

    // 5. The same page from Vite's dev server (dependency pre-bundling on, no configuration).
    const { createServer: createViteServer } = await import(pathToFileURL(join(npm, 'node_modules/vite/dist/node/index.js')).href);
    const dev = await createViteServer({
      root: page,
      configFile: false,
      logLevel: 'warn',
      cacheDir: join(work, 'vite-cache'),
      server: { host: '127.0.0.1', port: 0, hmr: false },
    });
    try {
      await dev.listen();
      const devTab = await chrome.newPage();
      const devProblems = [];
      devTab.on('pageerror', (e) => devProblems.push(`pageerror: ${e.message}`));
      await devTab.goto(`${dev.resolvedUrls.local[0]}checks.html`, { waitUntil: 'load' });
      await devTab.waitForFunction(() => document.querySelector('#result')?.textContent !== '', null, { timeout: 20_000 });
      const devChecks = JSON.parse(await devTab.textContent('#result'));
      const failing = devChecks.filter((c) => !c.ok);
      const prebundled = existsSync(join(work, 'vite-cache/deps/clientele.js'));
      check(
        'Vite dev server (clientele pre-bundled, no configuration): every in-page check passes',
        prebundled && failing.length === 0 && devChecks.length > 0 && devProblems.length === 0,
        `prebundled=${prebundled} failing=${JSON.stringify(failing)} ${devProblems.join('; ')}`,
      );
    } finally {
      await dev.close();
    }
  } finally {
    await chrome.close();
    await server.close();
  }
  return result;
}

try {
  await main();
} catch (error) {
  console.error(error);
  parts.push({ name: 'setup', passed: 0, failed: 1 });
}
finish();
