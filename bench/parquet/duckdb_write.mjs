// DuckDB writing the same data as parquet_write_bench (SNAPPY), for
// comparison. Usage: node bench/parquet/duckdb_write.mjs OUTPUT_DIR
// Prints the same line format as the C++ driver (CPU time of the whole node
// process, DuckDB limited to one thread), then peak_rss_kb.
import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const dir = process.argv[2];
const inst = await DuckDBInstance.create(':memory:', { threads: '1' });
const conn = await inst.connect();

async function run(name, rows, expr, file) {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  await conn.run(`COPY (SELECT ${expr} AS value FROM range(${rows}) t(i)) TO '${file}' (FORMAT parquet, COMPRESSION snappy)`);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const c1 = process.cpuUsage(c0);
  const cpu = (c1.user + c1.system) / 1e6;
  const bytesRow = await conn.runAndReadAll(`SELECT sum(strlen(${expr})) AS b FROM range(${rows}) t(i)`);
  const bytes = Number(bytesRow.getRowObjects()[0].b);
  console.log(`${name} ${rows} ${bytes} ${secs.toFixed(3)} ${(bytes / secs / 1e6).toFixed(1)} ${fs.statSync(file).size} ${cpu.toFixed(3)} ${(bytes / cpu / 1e6).toFixed(1)}`);
}

await run('short_10M', 10_000_000, `'paper-' || i`, `${dir}/duckdb_short.parquet`);
await run('long_1M', 1_000_000, `repeat(md5(CAST(i AS VARCHAR)), 32)`, `${dir}/duckdb_long.parquet`);
const hwm = /VmHWM:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
console.log(`peak_rss_kb ${hwm ? hwm[1] : -1}`);
