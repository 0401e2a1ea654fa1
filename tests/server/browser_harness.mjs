// What every browser test needs, in one place: a throw-away arxivflow home,
// the CLI, the webserver on a free loopback port, headless Chromium, named
// screenshots, checks that record a failure and go on, and the ending (stop
// what was started; remove the home, or keep it and print a log's tail when
// something failed; exit 0 or 1).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export class Harness {
  // `prefix`: the home's name in the temp folder; `env`: added to the
  // environment of every arxivflow process; `artifacts`: screenshot folder.
  constructor(bin, { prefix, env = {}, cliTimeoutMs = 120000, artifacts = null }) {
    this.bin = bin;
    this.home = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    this.env = { ...process.env, ARXIVFLOW_HOME: this.home, ...env };
    this.cliTimeoutMs = cliTimeoutMs;
    this.artifacts = artifacts;
    if (artifacts) fs.mkdirSync(artifacts, { recursive: true });
    this.procs = [];
    this.beforeStop = [];  // run first when stopping (e.g. resume a SIGSTOPped process)
    this.failures = 0;
  }

  // Runs `arxivflow ARGS...` to completion; throws with its output on failure.
  af(...args) {
    const r = spawnSync(this.bin, args, { env: this.env, encoding: 'utf8', timeout: this.cliTimeoutMs });
    if (r.status !== 0) throw new Error(`arxivflow ${args.join(' ')} failed: ${r.stdout}\n${r.stderr}`);
    return r.stdout;
  }

  hasPipelineCommands() {
    const help = spawnSync(this.bin, ['--help'], { encoding: 'utf8' }).stdout;
    return help.includes('transform') && help.includes('warehouse');
  }

  check(cond, what) {
    if (cond) { console.log('ok  ', what); return; }
    this.failures++;
    console.log('FAIL', what);
  }

  fail(error) {
    this.failures++;
    console.log('FAIL', error.stack || error);
  }

  // Starts `arxivflow ARGS...` in the background, its output in home/<logName>.
  start(args, logName) {
    const log = fs.openSync(path.join(this.home, logName), 'w');
    const child = spawn(this.bin, args, { env: this.env, stdio: ['ignore', log, log] });
    this.procs.push(child);
    return child;
  }

  // Starts the webserver on a free port; resolves to its base URL.
  async startServer() {
    const logPath = path.join(this.home, 'webserver.log');
    this.start(['webserver', '--port', '0'], 'webserver.log');
    for (let i = 0; i < 300; i++) {
      const m = fs.readFileSync(logPath, 'utf8').match(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
      if (m) return `http://127.0.0.1:${m[1]}`;
      await sleep(100);
    }
    throw new Error('webserver did not start: ' + fs.readFileSync(logPath, 'utf8'));
  }

  launchBrowser() {
    return chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  }

  async shot(page, name) {
    const file = path.join(this.artifacts, name + '.png');
    await page.screenshot({ path: file, fullPage: true });
    console.log('     screenshot', file);
    return file;
  }

  stop() {
    for (const fn of this.beforeStop.splice(0)) { try { fn(); } catch (_) { /* best effort */ } }
    for (const p of this.procs) p.kill('SIGTERM');
  }

  // Stops everything and exits: 0 with `passed` printed, or 1 with the home
  // kept and the tail of home/<logName> printed.
  finish(passed, logName = 'webserver.log') {
    this.stop();
    if (this.failures) {
      console.log(`${this.failures} failure(s); home kept at ${this.home}`);
      try { console.log(fs.readFileSync(path.join(this.home, logName), 'utf8').slice(-3000)); } catch (_) { /* none */ }
      process.exit(1);
    }
    fs.rmSync(this.home, { recursive: true, force: true });
    console.log(passed);
    process.exit(0);
  }
}
