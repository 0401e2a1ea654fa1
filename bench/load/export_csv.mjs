// Exports each table of a Parquet area to CSV with DuckDB (an independent
// reader), for the `psql \copy` baseline of bench/load/run.sh.
//   node export_csv.mjs AREA_DIR OUT_DIR table...
// NULL becomes an unquoted empty field, an empty string a quoted "" (the
// PostgreSQL CSV convention); timestamps are written in UTC.
import { DuckDBInstance } from '@duckdb/node-api';

const [area, out, ...tables] = process.argv.slice(2);
const instance = await DuckDBInstance.create(':memory:');
const db = await instance.connect();
await db.run("SET TimeZone = 'UTC'");
for (const table of tables) {
  if (!/^[a-z_]+$/.test(table)) throw new Error(`bad table name ${table}`);
  await db.run(
    `COPY (SELECT * FROM read_parquet('${area}/${table}/*.parquet')) ` +
    `TO '${out}/${table}.csv' (FORMAT csv, HEADER false)`);
}
