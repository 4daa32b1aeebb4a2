// Runs every consumer project under tests/consumers against the PACKED package, as its users get
// it: builds the package when its inputs changed (npm/scripts/harness.mjs), packs it once, copies
// each project to target/consumers/<project> (with shared/: the scenario and the fixtures),
// installs its pinned tools from its lockfile (again only when the lockfile changed) and the
// tarball with `npm install <tarball>`, then builds, serves and checks it.
//
// Prints one line per consumer, `<name>: ok`, `<name>: FAIL` (with the details below it) or
// `<name>: SKIPPED (reason)` when a runtime cannot be had here (never counted as passed), and ends
// with `N passed, N failed`.
//
//   node tests/consumers/run.mjs [project...]     (default: every project)
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CHROMIUM,
  CHROMIUM_FLAGS,
  FIREFOX,
  ensureBuilt,
  ensureChromium,
  ensureFirefox,
  pack,
  root,
  serveStatic,
  waitFor,
} from '../../npm/scripts/harness.mjs';
import { CHECKS } from './shared/scenario.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const work = join(root, 'target/consumers');
const started = Date.now();
const timings = [];
const lines = []; // { name, status: 'ok' | 'FAIL' | 'SKIPPED', detail }
const PROJECTS = ['node', 'deno', 'bun', 'workers', 'webpack', 'esbuild', 'vite', 'next'];
const RUNTIME_PACKAGES = ['deno', 'bun', 'workers'];
// Tools that would otherwise phone home: this machine has no internet, and none is needed.
const quietEnv = {
  ...process.env,
  NEXT_TELEMETRY_DISABLED: '1',
  DENO_NO_UPDATE_CHECK: '1',
  DENO_NO_PROMPT: '1',
  DO_NOT_TRACK: '1',
  NO_COLOR: '1',
};

function report(name, status, detail = '') {
  // A skip's reason stays on its line (tests/run lists those lines in its summary).
  if (status === 'SKIPPED') detail = String(detail).trim().split('\n').join(' / ');
  lines.push({ name, status, detail });
  const text = status === 'SKIPPED' ? `${name}: SKIPPED (${detail})` : `${name}: ${status}`;
  console.log(status === 'FAIL' && detail ? `${text}\n${indent(detail)}` : text);
}
const indent = (text) => String(text).trimEnd().split('\n').map((l) => `      ${l}`).join('\n');

async function timed(label, f) {
  const t = Date.now();
  try {
    return await f();
  } finally {
    timings.push(`${label} ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
}

/** Failures of a scenario's results ([] when every check of shared/scenario.mjs ran and passed). */
function failuresOf(results) {
  if (!Array.isArray(results)) return [`no scenario results: ${JSON.stringify(results)?.slice(0, 300)}`];
  const failures = results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.detail}`);
  same(failures, 'checks run', results.map((r) => r.name), CHECKS);
  return failures;
}

/** Reports `name` from a list of failures. */
function verdict(name, failures) {
  report(name, failures.length === 0 ? 'ok' : 'FAIL', failures.join('\n'));
}

/** Runs `f` for a consumer line; anything it throws is that line's failure. */
async function consumer(name, f) {
  try {
    verdict(name, await f());
  } catch (e) {
    report(name, 'FAIL', e?.stack ?? String(e));
  }
}

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: quietEnv, maxBuffer: 64 << 20, timeout: 600_000, ...opts });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** The last line of `text` that parses as JSON. */
function lastJson(text) {
  const json = text.trim().split('\n').reverse().find((l) => l.startsWith('{'));
  if (json === undefined) throw new Error(`no JSON in the output:\n${text.slice(-2000)}`);
  return JSON.parse(json);
}

const same = (failures, what, actual, expected) => {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) failures.push(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
};

// ---- preparing a project ---------------------------------------------------------------------

/** The data the scenario reads, from tests/fixtures, as a module every bundler and runtime imports. */
function fixturesModule() {
  const load = (path) => JSON.parse(readFileSync(join(root, 'tests/fixtures', path), 'utf8'));
  const responses = load('bloc/responses.json');
  const webhooks = load('bloc/webhooks.json');
  const requests = load('offblocks/requests.json');
  const page = responses.cases.find((c) => c.operation === 'list_customers' && c.expect.value?.customers?.length >= 3);
  const signed = requests.cases.find((c) => c.operation === 'create_customer' && c.expect.request?.headers?.Signature);
  const fixtures = {
    page: { response: page.response, expect: page.expect },
    signed: {
      context: requests.context,
      pem: readFileSync(join(root, 'tests/fixtures/offblocks', requests.context.privateKeyFile), 'utf8'),
      case: signed,
    },
    webhook: { secret: webhooks.secret, case: webhooks.cases[0] },
  };
  return `// Written by tests/consumers/run.mjs from tests/fixtures: do not edit.\nexport const fixtures = ${JSON.stringify(fixtures, null, 2)};\n`;
}

const hashOf = (path) => (existsSync(path) ? createHash('sha256').update(readFileSync(path)).digest('hex') : 'none');

/**
 * target/consumers/<project>: the project's files (node_modules kept), shared/, its locked tools
 * (`npm ci` when the lockfile changed) and the tarball (`npm install <tarball>`, as a user adds
 * it). Returns the folder.
 */
function prepare(project, tarball, fixtures) {
  const dir = join(work, project);
  mkdirSync(dir, { recursive: true });
  for (const entry of readdirSync(dir)) if (entry !== 'node_modules') rmSync(join(dir, entry), { recursive: true, force: true });
  cpSync(join(here, project), dir, {
    recursive: true,
    filter: (src) => !/[/\\](node_modules|dist|\.next)$/.test(src),
  });
  mkdirSync(join(dir, 'shared'), { recursive: true });
  cpSync(join(here, 'shared/scenario.mjs'), join(dir, 'shared/scenario.mjs'));
  writeFileSync(join(dir, 'shared/fixtures.mjs'), fixtures);

  const lock = join(dir, 'package-lock.json');
  const stamp = join(dir, 'node_modules/.consumer-lock');
  const lockHash = hashOf(lock);
  if (existsSync(lock) && (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== lockHash)) {
    npmIn(dir, ['ci']);
    writeFileSync(stamp, lockHash);
  }
  rmSync(join(dir, 'node_modules/clientele'), { recursive: true, force: true });
  npmIn(dir, ['install', tarball]);
  if (existsSync(lock)) writeFileSync(stamp, lockHash); // `npm install` keeps what `npm ci` put there
  return dir;
}

/** `npm <args>` in `dir`, quietly; throws with the tail of npm's output when it fails. */
function npmIn(dir, args) {
  console.log(`$ npm ${args.join(' ')}  (in ${dir})`);
  const r = sh('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: dir });
  if (r.status !== 0) throw new Error(`npm ${args[0]} failed (exit ${r.status}):\n${r.output.trim().split('\n').slice(-15).join('\n')}`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts a server process (its own process group, ended by `stop`), and its output so far. */
function startServer(cmd, args, opts) {
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: quietEnv, ...opts });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  let exited = false;
  child.on('exit', () => (exited = true));
  return {
    output: () => output,
    exited: () => exited,
    stop: async () => {
      if (exited) return;
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {}
      await waitFor(() => exited, 10_000);
      if (!exited) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {}
      }
    },
  };
}

/** Waits until `url` answers (any status), or the server exits, or `ms` pass. */
async function waitUntilUp(server, url, ms) {
  let up = false;
  await waitFor(async () => {
    if (server.exited()) return true;
    try {
      await fetch(url, { signal: AbortSignal.timeout(30_000) });
      up = true;
    } catch {}
    return up;
  }, ms);
  if (!up) throw new Error(`${url} did not answer${server.exited() ? ' (the server exited)' : ''}:\n${server.output().slice(-3000)}`);
}

async function getJson(url, init) {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(120_000) });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    throw new Error(`${url}: ${response.status}, not JSON: ${text.slice(0, 1500)}`);
  }
}

/** POSTs the fixture webhook (raw body and signature header) and a tampered copy to `url`. */
async function webhookChecks(url, fixtures, failures) {
  const { case: c } = fixtures.webhook;
  const genuine = await getJson(url, { method: 'POST', headers: c.headers, body: c.body });
  same(failures, 'webhook POST', genuine, { status: 200, body: { event: c.expect.event.event, customerId: c.expect.event.customerId } });
  const tampered = await getJson(url, { method: 'POST', headers: c.headers, body: `${c.body} ` });
  same(failures, 'tampered webhook POST', tampered, { status: 401, body: { code: 'webhook_signature_mismatch' } });
}

// ---- browsers --------------------------------------------------------------------------------

const browsers = {}; // name -> { browser } | { skipped: reason }
let puppeteer;

async function browser(name) {
  if (browsers[name]) return browsers[name];
  try {
    if (name === 'Chromium') {
      if (!ensureChromium()) return (browsers[name] = { skipped: `${CHROMIUM} is missing and apt-get could not install chromium` });
      browsers[name] = {
        browser: await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS.filter((f) => f !== '--headless'), timeout: 60_000 }),
      };
    } else {
      if (!ensureFirefox()) return (browsers[name] = { skipped: `${FIREFOX} is missing and apt-get could not install firefox-esr` });
      browsers[name] = {
        browser: await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true, timeout: 60_000 }),
      };
    }
  } catch (e) {
    browsers[name] = { failed: `${name} did not start: ${e?.message}` };
  }
  return browsers[name];
}

/** Opens `url`, waits for #result, and returns its JSON and the page's errors. `act(page)` runs first. */
async function inPage(b, url, { timeout = 30_000, act } = {}) {
  const page = await b.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e?.message ?? e}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()} (${m.location()?.url ?? ''})`));
  try {
    await page.goto(url, { waitUntil: 'load', timeout });
    await page.waitForFunction(() => (document.querySelector('#result')?.textContent ?? '') !== '', { timeout });
    const result = JSON.parse(await page.$eval('#result', (e) => e.textContent));
    const acted = act ? await act(page) : undefined;
    return { result, acted, problems };
  } finally {
    await page.close();
  }
}

/**
 * One line per browser for the page at `url`: `check(result, acted)` gives the failures (by
 * default those of the scenario results in #result); page errors are failures too, unless `allow`
 * matches them.
 */
async function pageLines(label, url, { check = (result) => failuresOf(result), allow = null, ...options } = {}) {
  for (const name of ['Chromium', 'Firefox ESR']) {
    const line = `${label} (${name})`;
    const b = await browser(name);
    if (b.skipped) {
      report(line, 'SKIPPED', b.skipped);
      continue;
    }
    await consumer(line, async () => {
      if (b.failed) return [b.failed];
      const { result, acted, problems } = await inPage(b.browser, url, options);
      return [...check(result, acted), ...problems.filter((p) => !allow?.test(p))];
    });
  }
}

/** `npm run build`, then each [label, path, options] page, served from `served` (under `dir`). */
async function bundledPages(dir, project, served, pages) {
  const built = sh('npm', ['run', '--silent', 'build'], { cwd: dir });
  if (built.status !== 0) return report(project, 'FAIL', `npm run build failed:\n${built.output.slice(-3000)}`);
  const server = await serveStatic(join(dir, served));
  try {
    for (const [label, path, options] of pages) await pageLines(label, `${server.origin}/${path}`, options);
  } finally {
    await server.close();
  }
}

// ---- the consumers -----------------------------------------------------------------------------

const consumers = {
  async node(dir) {
    for (const [line, file, entry] of [
      ['node (import)', 'import.mjs', 'dist/esm/node.js'],
      ['node (require)', 'require.cjs', 'dist/cjs/node-cjs.js'],
    ]) {
      await consumer(line, () => {
        const r = sh(process.execPath, [file], { cwd: dir });
        if (r.status !== 0) return [`exit ${r.status}:\n${r.output.slice(-3000)}`];
        const out = lastJson(r.stdout);
        const failures = failuresOf(out.results);
        same(failures, 'resolved entry', out.entry, entry);
        return failures;
      });
    }
    await consumer('node (a missing .wasm is a ClienteleError init_failed)', () => {
      const broken = join(dir, 'broken/clientele');
      rmSync(join(dir, 'broken'), { recursive: true, force: true });
      cpSync(join(dir, 'node_modules/clientele'), broken, { recursive: true });
      for (const f of readdirSync(join(broken, 'dist/wasm/web')).filter((f) => f.endsWith('.wasm'))) rmSync(join(broken, 'dist/wasm/web', f));
      const r = sh(process.execPath, ['missing-wasm.mjs', broken], { cwd: dir });
      if (r.status !== 0) return [`exit ${r.status}:\n${r.output.slice(-3000)}`];
      const failures = [];
      const typed = { name: 'ClienteleError', code: 'init_failed', typed: true, cause: 'ENOENT' };
      same(failures, 'outcome', lastJson(r.stdout), { import: typed, require: typed });
      return failures;
    });
  },

  async deno(dir) {
    await runtimeLine('deno', dir, join(dir, 'node_modules/.bin/deno'), ['run', '--allow-read', '--no-lock', 'main.mjs'], /^deno \d/);
  },

  async bun(dir) {
    await runtimeLine('bun', dir, join(dir, 'node_modules/.bin/bun'), ['main.mjs'], /^bun \d/);
  },

  async workers(dir, fixtures) {
    const line = 'workers (workerd, module worker over loopback)';
    const workerd = join(dir, 'node_modules/.bin/workerd');
    const version = sh(workerd, ['--version']);
    if (version.status !== 0) {
      report(line, 'SKIPPED', `the npm package workerd gave no runnable binary: ${version.output.trim().slice(0, 300) || version.error?.message}`);
      return;
    }
    await consumer(line, async () => {
      const built = sh('npm', ['run', '--silent', 'build'], { cwd: dir });
      if (built.status !== 0) return [`bundling failed:\n${built.output.slice(-3000)}`];
      const modules = readdirSync(join(dir, 'dist')).filter((f) => f.endsWith('.wasm')).sort();
      const failures = [];
      same(failures, 'wasm modules beside the bundle (the workerd entry)', modules, ['clientele_client_bg.wasm', 'clientele_keys_bg.wasm', 'clientele_wasm_bg.wasm']);
      const port = await freePort();
      const server = startServer(workerd, ['serve', 'dist/config.capnp', '--socket-addr', `http=127.0.0.1:${port}`], { cwd: dir });
      try {
        await waitUntilUp(server, `http://127.0.0.1:${port}/`, 60_000);
        const { status, body } = await getJson(`http://127.0.0.1:${port}/scenario`);
        same(failures, 'status', status, 200);
        same(failures, 'runtime', body.runtime, 'Cloudflare-Workers');
        failures.push(...failuresOf(body.results));
        await webhookChecks(`http://127.0.0.1:${port}/webhook`, fixtures, failures);
      } finally {
        await server.stop();
      }
      if (failures.length > 0) failures.push(`${version.stdout.trim()}, output:\n${server.output().slice(-2000)}`);
      return failures;
    });
  },

  webpack: (dir) => bundledPages(dir, 'webpack', '.', [['webpack', 'index.html']]),

  esbuild: (dir) =>
    bundledPages(dir, 'esbuild', '.', [
      ['esbuild (clientele/init, .wasm by the file loader)', 'index.html'],
      // The default entry, bundled without its .wasm: a typed init_failed, in every browser.
      [
        'esbuild (default entry without its .wasm: ClienteleError init_failed)',
        'default-entry.html',
        {
          allow: /404 \(Not Found\) \(http:\/\/127\.0\.0\.1:\d+\/wasm\/web\/clientele_wasm_bg\.wasm\)$/, // the fetch that fails
          check: (result) => {
            const failures = [];
            same(failures, 'outcome', result, { name: 'ClienteleError', code: 'init_failed', isError: true });
            return failures;
          },
        },
      ],
    ]),

  vite: (dir) => bundledPages(dir, 'vite', 'dist', [['vite', 'index.html']]),

  async next(dir, fixtures) {
    const next = join(dir, 'node_modules/.bin/next');
    const built = await timed('next build', () => sh(next, ['build'], { cwd: dir }));
    if (built.status !== 0) {
      report('next build', 'FAIL', built.output.slice(-4000));
      return;
    }
    report('next build', 'ok');
    for (const mode of ['start', 'dev']) {
      const port = await freePort();
      const origin = `http://127.0.0.1:${port}`;
      const server = startServer(next, [mode, '-p', String(port), '-H', '127.0.0.1'], { cwd: dir });
      try {
        await timed(`next ${mode}`, async () => {
          await waitUntilUp(server, `${origin}/api/node`, 120_000);
          for (const [route, runtime] of [['node', /^node v20\./], ['edge', /^edge edge-runtime$/]]) {
            await consumer(`next ${mode}: ${route === 'node' ? 'Node.js' : 'Edge'} runtime route handler`, async () => {
              const failures = [];
              const { status, body } = await getJson(`${origin}/api/${route}`);
              same(failures, 'status', status, 200);
              if (!runtime.test(body.runtime)) failures.push(`runtime: ${body.runtime}`);
              failures.push(...failuresOf(body.results));
              await webhookChecks(`${origin}/api/${route}`, fixtures, failures);
              if (failures.length > 0) failures.push(`next ${mode} output:\n${server.output().slice(-2000)}`);
              return failures;
            });
          }
          await pageLines(`next ${mode}: client component`, `${origin}/`, {
            timeout: 120_000,
            // The form: a bad payload shows each issue in its slot, with its code.
            act: async (page) => {
              const form = { email: 'ada@', phoneNumber: '+234 801 234 5678', firstName: 'Ada', lastName: 'Obi', bvn: '2222' };
              for (const [name, value] of Object.entries(form)) await page.type(`[name="${name}"]`, value);
              await page.click('button[type="submit"]');
              await page.waitForFunction(() => document.querySelector('#customer')?.dataset.submitted === '1', { timeout: 10_000 });
              return page.$$eval('[data-issue-for]', (slots) =>
                slots.filter((s) => s.textContent !== '').map((s) => [s.dataset.issueFor, s.dataset.code, s.textContent.length > 0]),
              );
            },
            check: (result, shown) => {
              const failures = failuresOf(result);
              same(failures, 'form issues shown', shown, [['email', 'invalid_email', true], ['bvn', 'invalid_bvn', true]]);
              return failures;
            },
          });
        });
      } catch (e) {
        report(`next ${mode}`, 'FAIL', e?.stack ?? String(e));
      } finally {
        await server.stop();
      }
    }
  },
};

/** A runtime shipped as an npm package's binary (deno, bun): SKIPPED when it cannot run here. */
async function runtimeLine(name, dir, binary, args, versionPattern) {
  const version = sh(binary, ['--version'], { cwd: dir });
  if (version.status !== 0) {
    report(name, 'SKIPPED', `the npm package ${name} gave no runnable binary: ${version.output.trim().slice(0, 300) || version.error?.message}`);
    return;
  }
  await consumer(name, () => {
    const r = sh(binary, args, { cwd: dir });
    if (r.status !== 0) return [`exit ${r.status}:\n${r.output.slice(-3000)}`];
    const out = lastJson(r.stdout);
    const failures = failuresOf(out.results);
    if (!versionPattern.test(out.runtime)) failures.push(`runtime: ${out.runtime}`);
    same(failures, 'resolved entry', out.entry, 'dist/esm/node.js');
    return failures;
  });
}

// ---- main ----------------------------------------------------------------------------------------

async function main() {
  const wanted = process.argv.slice(2);
  const projects = wanted.length > 0 ? PROJECTS.filter((p) => wanted.includes(p)) : PROJECTS;
  console.log('=== build and pack');
  await timed('build', () => ensureBuilt());
  mkdirSync(work, { recursive: true });
  for (const f of readdirSync(work).filter((f) => f.endsWith('.tgz'))) rmSync(join(work, f));
  const tarball = pack(work);
  const fixtures = fixturesModule();
  const fixtureData = (await import(`data:text/javascript,${encodeURIComponent(fixtures)}`)).fixtures;

  // What this runner needs itself: puppeteer-core (Chromium over CDP, Firefox over WebDriver BiDi).
  const runner = join(work, '.runner');
  mkdirSync(runner, { recursive: true });
  for (const f of ['package.json', 'package-lock.json']) cpSync(join(here, f), join(runner, f));
  const stamp = join(runner, 'node_modules/.consumer-lock');
  if (hashOf(join(runner, 'package-lock.json')) !== (existsSync(stamp) ? readFileSync(stamp, 'utf8') : '')) {
    await timed('runner npm ci', () => npmIn(runner, ['ci']));
    writeFileSync(stamp, hashOf(join(runner, 'package-lock.json')));
  }
  puppeteer = (await import(pathToFileURL(join(runner, 'node_modules/puppeteer-core/lib/esm/puppeteer/puppeteer-core.js')).href)).default;

  for (const project of projects) {
    console.log(`\n=== ${project}`);
    let dir;
    try {
      dir = await timed(`${project} install`, () => prepare(project, tarball, fixtures));
    } catch (e) {
      // The runtimes that come as binaries inside npm packages (deno, bun, workerd) may have no
      // build for this platform: that runtime cannot be had here. Anything else is a failure.
      if (RUNTIME_PACKAGES.includes(project)) report(project, 'SKIPPED', `its runtime could not be installed from npm: ${e?.message}`);
      else report(project, 'FAIL', `installing the project failed: ${e?.message}`);
      continue;
    }
    await timed(project, () => consumers[project](dir, fixtureData));
  }
}

try {
  await main();
} catch (e) {
  report('consumers', 'FAIL', e?.stack ?? String(e));
} finally {
  for (const b of Object.values(browsers)) await b.browser?.close().catch(() => {});
}
const passed = lines.filter((l) => l.status === 'ok').length;
const failed = lines.filter((l) => l.status === 'FAIL').length;
const skipped = lines.filter((l) => l.status === 'SKIPPED');
console.log('\n=== summary');
for (const l of lines) console.log(l.status === 'SKIPPED' ? `${l.name}: SKIPPED (${l.detail})` : `${l.name}: ${l.status}`);
console.log(`time: ${timings.join(', ')}; total ${((Date.now() - started) / 1000).toFixed(1)} s`);
if (skipped.length > 0) console.log(`${skipped.length} skipped (not counted as passed)`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
