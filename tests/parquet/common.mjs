// Helpers shared by the Parquet interop scripts.
import { DuckDBInstance } from '@duckdb/node-api';

export function dateText(days) {
  return new Date(days * 86400000).toISOString().slice(0, 10);
}

// Converts one reader's value to the sidecar form (see interop_gen.cc).
export function normalize(type, v) {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'int64':
    case 'timestamp':
      return String(v);
    case 'date':
      return typeof v === 'number' ? dateText(v) : v;
    default:
      return v;
  }
}

export class Mismatches {
  constructor() { this.list = []; }
  add(msg) { if (this.list.length < 200) this.list.push(msg); this.count = (this.count || 0) + 1; }
  get total() { return this.count || 0; }
}

function show(v) {
  const s = typeof v === 'bigint' ? `${v}n` : JSON.stringify(v);
  return s && s.length > 60 ? s.slice(0, 60) + `...(${s.length})` : s;
}

export function compareColumn(where, expected, actual, mm) {
  if (actual.length !== expected.length) {
    mm.add(`${where}: ${actual.length} rows, expected ${expected.length}`);
    return;
  }
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i], a = actual[i];
    // -0 and 0 compare equal; everything else exactly.
    if (e === a || (e !== null && a !== null && typeof e === 'number' && typeof a === 'number' && e == a)) continue;
    mm.add(`${where} row ${i}: got ${show(a)}, expected ${show(e)}`);
  }
}

export async function duckdb() {
  const inst = await DuckDBInstance.create(':memory:');
  return inst.connect();
}

export async function query(conn, sql) {
  const r = await conn.runAndReadAll(sql);
  return r.getRowObjects();
}

export function sqlString(s) { return `'${s.replaceAll("'", "''")}'`; }
