// Shared helpers for the transform integration tests.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

export const TABLES = ['papers', 'authors', 'abstracts', 'categories', 'versions', 'titles'];

export function tempDir(prefix = 'af-transform-') {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function cleanup(dir) {
  rmSync(dir, { recursive: true, force: true });
}

// Runs the binary; returns { status, stdout, stderr }.
export function run(bin, args, opts = {}) {
  const r = spawnSync(bin, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

export async function duck() {
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  return {
    async all(sql) {
      const reader = await con.runAndReadAll(sql);
      return reader.getRowObjectsJS();
    },
    async one(sql) {
      const rows = await this.all(sql);
      return rows[0];
    },
    close() {
      con.closeSync?.();
    },
  };
}

export function sqlString(s) {
  return `'${s.replaceAll("'", "''")}'`;
}

let failures = 0;
export function check(cond, message) {
  if (cond) {
    console.log(`ok - ${message}`);
  } else {
    failures++;
    console.log(`FAIL - ${message}`);
  }
}
export function checkEqual(actual, expected, message) {
  const a = JSON.stringify(actual, (k, v) => (typeof v === 'bigint' ? Number(v) : v));
  const e = JSON.stringify(expected, (k, v) => (typeof v === 'bigint' ? Number(v) : v));
  check(a === e, `${message}${a === e ? '' : `: got ${a}, expected ${e}`}`);
}
export function finish() {
  if (failures > 0) {
    console.log(`${failures} check(s) failed`);
    process.exit(1);
  }
  console.log('all checks passed');
}
