// What the package's own tests (test.mjs) and the consumer projects (tests/consumers/run.mjs)
// share: the build when its inputs changed, `npm pack`, the browsers from Debian, and a static
// server on 127.0.0.1.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inputsHash } from './inputs.mjs';

export const npm = join(dirname(fileURLToPath(import.meta.url)), '..');
export const root = join(npm, '..');

export function run(cmd, args, opts = {}) {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  execFileSync(cmd, args, { stdio: 'inherit', ...opts });
}

/**
 * The package's dev dependencies (again when its lockfile changed) and dist/ (again when the
 * build's inputs changed). `time(label, f)` measures each step that runs.
 */
export function ensureBuilt(time = (_label, f) => f()) {
  const lockHash = createHash('sha256').update(readFileSync(join(npm, 'package-lock.json'))).digest('hex');
  const lockStamp = join(npm, 'node_modules/.clientele-lock');
  if (!existsSync(lockStamp) || readFileSync(lockStamp, 'utf8') !== lockHash) {
    time('npm ci', () => run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: npm }));
    writeFileSync(lockStamp, lockHash);
  }
  const stamp = join(npm, 'dist/.inputs');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === inputsHash(root)) {
    console.log('build: dist/ is up to date with its inputs (skipped)');
  } else {
    time('build', () => run(process.execPath, [join(npm, 'scripts/build.mjs')], { cwd: root }));
  }
}

/** `npm pack` of the built package into `destination`: the tarball's path. */
export function pack(destination) {
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', destination], { cwd: npm, encoding: 'utf8' }),
  )[0];
  console.log(`packed ${packed.filename}: ${packed.entryCount} files, ${packed.size} bytes (${packed.unpackedSize} unpacked)`);
  return join(destination, packed.filename);
}

// ---- browsers from Debian ------------------------------------------------------------------

export const CHROMIUM = '/usr/bin/chromium';
/** Headless, and quiet: the machine has no internet, so no background or update traffic. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
export const FIREFOX = '/usr/bin/firefox-esr';

/** `executable` exists, or is installed now with apt-get (as root only): whether it exists. */
export function ensureDebian(executable, packages) {
  if (existsSync(executable)) return true;
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) return false;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const quiet = { stdio: ['ignore', 'ignore', 'inherit'], env };
  console.log(`installing ${packages.join(' ')} with apt-get`);
  spawnSync('apt-get', ['update', '-qq'], quiet);
  spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], quiet);
  return existsSync(executable);
}

export const ensureChromium = () => ensureDebian(CHROMIUM, ['chromium', 'chromium-driver']);
export const ensureFirefox = () => ensureDebian(FIREFOX, ['firefox-esr']);

// ---- a static server ---------------------------------------------------------------------------

const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

/**
 * Serves the files under `dir` on 127.0.0.1 (an ephemeral port); `route(req, res, url)` may
 * answer first (returning true). Resolves to { origin, close, requested } (the paths asked for).
 */
export async function serveStatic(dir, route = () => false) {
  const requested = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    requested.push(url.pathname);
    if (route(req, res, url)) return;
    const file = normalize(join(dir, url.pathname === '/' ? 'index.html' : url.pathname));
    if (!file.startsWith(dir) || !existsSync(file) || statSync(file).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    requested,
    close: () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections(); // browsers keep idle connections open
      }),
  };
}

export async function waitFor(predicate, ms) {
  const until = Date.now() + ms;
  while (!(await predicate()) && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
}
