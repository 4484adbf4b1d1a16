#!/usr/bin/env node
// Brings a fresh clone to a runnable state: npm packages, Debian's nats-server, the build;
// with --tests also Debian's chromium, which the browser tests drive through playwright-core, and
// Debian's Go with its NATS client, which the integration guide's Go example is built with, and
// LibreOffice (headless Writer) with poppler's tools, which turn the periodic report into a PDF.
// Runs before `npm start` and `npm test`, on whatever Node runs npm (no dependencies here).
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const quiet = process.argv.includes('--quiet');
const say = (message) => quiet || console.log(`[setup] ${message}`);
const run = (command, args, options = {}) => execFileSync(command, args, { cwd: root, stdio: 'inherit', ...options });

function installPackages() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  // `npm install`, not `npm ci`: it still installs the locked versions, but does not fail on
  // optional platform packages (other OSes' binaries) that a registry mirror may not carry.
  say('installing npm packages (npm install)');
  run('npm', ['install', '--no-audit', '--no-fund']);
}

function findOnPath(binary) {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/local/bin'];
  for (const dir of dirs) {
    try {
      accessSync(join(dir, binary), constants.X_OK);
      return join(dir, binary);
    } catch {
      // next
    }
  }
  return undefined;
}

/**
 * Installs Debian packages with apt-get, as root or through sudo; `override` says what else the
 * user can do instead (a variable that points elsewhere, or installing them by hand).
 */
function aptInstall(packages, override, { recommends = true } = {}) {
  const isRoot = process.getuid?.() === 0;
  const names = packages.join(' ');
  if (!isRoot && !findOnPath('sudo')) {
    console.error(`[setup] ${names} missing: install with \`apt-get install ${names}\` as root, or ${override}`);
    process.exit(1);
  }
  say(`installing ${names} from Debian (apt-get install ${names})`);
  const apt = (args) => run(isRoot ? 'apt-get' : 'sudo', isRoot ? args : ['apt-get', ...args], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  apt(['update', '-qq']);
  apt(['install', '-y', '-qq', ...(recommends ? [] : ['--no-install-recommends']), ...packages]);
}

function installNatsServer() {
  if (process.env.NATS_SERVER_BIN || findOnPath('nats-server')) return;
  aptInstall(['nats-server'], 'set NATS_SERVER_BIN');
}

function installChromium() {
  if (existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')) return;
  aptInstall(['chromium'], 'set CHROMIUM_PATH');
}

/** Go and the NATS client's sources (with nkeys), where the guide's offline GOPATH build finds them. */
const GO_NATS_SOURCES = '/usr/share/gocode/src/github.com/nats-io/nats.go';

function installGo() {
  const missing = [...(findOnPath('go') ? [] : ['golang-go']), ...(existsSync(GO_NATS_SOURCES) ? [] : ['golang-github-nats-io-go-nats-dev'])];
  if (missing.length > 0) aptInstall(missing, 'see docs/integration/README.md');
}

/** Headless Writer converts the report's DOCX to PDF; pdftoppm and pdfinfo read the PDF (test/coordination/report-document). */
function installLibreOffice() {
  const missing = [...(findOnPath('soffice') ? [] : ['libreoffice-writer-nogui', 'fonts-liberation']), ...(findOnPath('pdftoppm') ? [] : ['poppler-utils'])];
  if (missing.length > 0) aptInstall(missing, 'install LibreOffice and poppler-utils by hand', { recommends: false });
}

function build() {
  say('building (turbo run build)');
  run(join(root, 'node_modules', '.bin', 'turbo'), ['run', 'build', '--output-logs=errors-only'], {
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
  });
}

installPackages();
installNatsServer();
if (process.argv.includes('--tests')) {
  installChromium();
  installGo();
  installLibreOffice();
}
build();
