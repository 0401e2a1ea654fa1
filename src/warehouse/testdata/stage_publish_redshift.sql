SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'papers';
CREATE TABLE IF NOT EXISTS "arxivflow_loads" (
  "load_id" VARCHAR(12) NOT NULL,
  "table_name" VARCHAR(64) NOT NULL,
  "stage_table" VARCHAR(128) NOT NULL,
  "rows" BIGINT NOT NULL,
  "area_id" VARCHAR(64) NOT NULL,
  "run_id" VARCHAR(256) NOT NULL,
  "state" VARCHAR(16) NOT NULL,
  "staged_at" VARCHAR(32) NOT NULL,
  "published_at" VARCHAR(32),
  PRIMARY KEY ("load_id", "table_name")
);
BEGIN;
DROP TABLE IF EXISTS "papers__stage_ac1e126c5db8";
CREATE TABLE "papers__stage_ac1e126c5db8" (LIKE "papers");
COPY "papers__stage_ac1e126c5db8" FROM 's3://arxiv-bucket/area/papers/' IAM_ROLE 'arn:aws:iam::123456789012:role/dwh' FORMAT AS PARQUET;
SELECT COUNT(*) FROM "papers__stage_ac1e126c5db8";
DELETE FROM "arxivflow_loads" WHERE "load_id" = 'ac1e126c5db8' AND "table_name" = 'papers';
INSERT INTO "arxivflow_loads" ("load_id", "table_name", "stage_table", "rows", "area_id", "run_id", "state", "staged_at") VALUES ('ac1e126c5db8', 'papers', 'papers__stage_ac1e126c5db8', 200, 'area-1', 'manual__2026-11-23T23:55:01+00:00', 'staged', '<now>');
COMMIT;
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'authors';
CREATE TABLE IF NOT EXISTS "arxivflow_loads" (
  "load_id" VARCHAR(12) NOT NULL,
  "table_name" VARCHAR(64) NOT NULL,
  "stage_table" VARCHAR(128) NOT NULL,
  "rows" BIGINT NOT NULL,
  "area_id" VARCHAR(64) NOT NULL,
  "run_id" VARCHAR(256) NOT NULL,
  "state" VARCHAR(16) NOT NULL,
  "staged_at" VARCHAR(32) NOT NULL,
  "published_at" VARCHAR(32),
  PRIMARY KEY ("load_id", "table_name")
);
BEGIN;
DROP TABLE IF EXISTS "authors__stage_ac1e126c5db8";
CREATE TABLE "authors__stage_ac1e126c5db8" (LIKE "authors");
COPY "authors__stage_ac1e126c5db8" FROM 's3://arxiv-bucket/area/authors/' IAM_ROLE 'arn:aws:iam::123456789012:role/dwh' FORMAT AS PARQUET;
SELECT COUNT(*) FROM "authors__stage_ac1e126c5db8";
DELETE FROM "arxivflow_loads" WHERE "load_id" = 'ac1e126c5db8' AND "table_name" = 'authors';
INSERT INTO "arxivflow_loads" ("load_id", "table_name", "stage_table", "rows", "area_id", "run_id", "state", "staged_at") VALUES ('ac1e126c5db8', 'authors', 'authors__stage_ac1e126c5db8', 200, 'area-1', 'manual__2026-11-23T23:55:01+00:00', 'staged', '<now>');
COMMIT;
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'abstracts';
CREATE TABLE IF NOT EXISTS "arxivflow_loads" (
  "load_id" VARCHAR(12) NOT NULL,
  "table_name" VARCHAR(64) NOT NULL,
  "stage_table" VARCHAR(128) NOT NULL,
  "rows" BIGINT NOT NULL,
  "area_id" VARCHAR(64) NOT NULL,
  "run_id" VARCHAR(256) NOT NULL,
  "state" VARCHAR(16) NOT NULL,
  "staged_at" VARCHAR(32) NOT NULL,
  "published_at" VARCHAR(32),
  PRIMARY KEY ("load_id", "table_name")
);
BEGIN;
DROP TABLE IF EXISTS "abstracts__stage_ac1e126c5db8";
CREATE TABLE "abstracts__stage_ac1e126c5db8" (LIKE "abstracts");
COPY "abstracts__stage_ac1e126c5db8" FROM 's3://arxiv-bucket/area/abstracts/' IAM_ROLE 'arn:aws:iam::123456789012:role/dwh' FORMAT AS PARQUET;
SELECT COUNT(*) FROM "abstracts__stage_ac1e126c5db8";
DELETE FROM "arxivflow_loads" WHERE "load_id" = 'ac1e126c5db8' AND "table_name" = 'abstracts';
INSERT INTO "arxivflow_loads" ("load_id", "table_name", "stage_table", "rows", "area_id", "run_id", "state", "staged_at") VALUES ('ac1e126c5db8', 'abstracts', 'abstracts__stage_ac1e126c5db8', 200, 'area-1', 'manual__2026-11-23T23:55:01+00:00', 'staged', '<now>');
COMMIT;
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'categories';
CREATE TABLE IF NOT EXISTS "arxivflow_loads" (
  "load_id" VARCHAR(12) NOT NULL,
  "table_name" VARCHAR(64) NOT NULL,
  "stage_table" VARCHAR(128) NOT NULL,
  "rows" BIGINT NOT NULL,
  "area_id" VARCHAR(64) NOT NULL,
  "run_id" VARCHAR(256) NOT NULL,
  "state" VARCHAR(16) NOT NULL,
  "staged_at" VARCHAR(32) NOT NULL,
  "published_at" VARCHAR(32),
  PRIMARY KEY ("load_id", "table_name")
);
BEGIN;
DROP TABLE IF EXISTS "categories__stage_ac1e126c5db8";
CREATE TABLE "categories__stage_ac1e126c5db8" (LIKE "categories");
COPY "categories__stage_ac1e126c5db8" FROM 's3://arxiv-bucket/area/categories/' IAM_ROLE 'arn:aws:iam::123456789012:role/dwh' FORMAT AS PARQUET;
SELECT COUNT(*) FROM "categories__stage_ac1e126c5db8";
DELETE FROM "arxivflow_loads" WHERE "load_id" = 'ac1e126c5db8' AND "table_name" = 'categories';
INSERT INTO "arxivflow_loads" ("load_id", "table_name", "stage_table", "rows", "area_id", "run_id", "state", "staged_at") VALUES ('ac1e126c5db8', 'categories', 'categories__stage_ac1e126c5db8', 200, 'area-1', 'manual__2026-11-23T23:55:01+00:00', 'staged', '<now>');
COMMIT;
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'versions';
CREATE TABLE IF NOT EXISTS "arxivflow_loads" (
  "load_id" VARCHAR(12) NOT NULL,
  "table_name" VARCHAR(64) NOT NULL,
  "stage_table" VARCHAR(128) NOT NULL,
  "rows" BIGINT NOT NULL,
  "area_id" VARCHAR(64) NOT NULL,
  "run_id" VARCHAR(256) NOT NULL,
  "state" VARCHAR(16) NOT NULL,
  "staged_at" VARCHAR(32) NOT NULL,
  "published_at" VARCHAR(32),
  PRIMARY KEY ("load_id", "table_name")
);
BEGIN;
DROP TABLE IF EXISTS "versions__stage_ac1e126c5db8";
CREATE TABLE "versions__stage_ac1e126c5db8" (LIKE "versions");
COPY "versions__stage_ac1e126c5db8" FROM 's3://arxiv-bucket/area/versions/' IAM_ROLE 'arn:aws:iam::123456789012:role/dwh' FORMAT AS PARQUET;
SELECT COUNT(*) FROM "versions__stage_ac1e126c5db8";
DELETE FROM "arxivflow_loads" WHERE "load_id" = 'ac1e126c5db8' AND "table_name" = 'versions';
INSERT INTO "arxivflow_loads" ("load_id", "table_name", "stage_table", "rows", "area_id", "run_id", "state", "staged_at") VALUES ('ac1e126c5db8', 'versions', 'versions__stage_ac1e126c5db8', 200, 'area-1', 'manual__2026-11-23T23:55:01+00:00', 'staged', '<now>');
COMMIT;
SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'titles';
CREATE TABLE IF NOT EXISTS "arxivflow_loads" (
  "load_id" VARCHAR(12) NOT NULL,
  "table_name" VARCHAR(64) NOT NULL,
  "stage_table" VARCHAR(128) NOT NULL,
  "rows" BIGINT NOT NULL,
  "area_id" VARCHAR(64) NOT NULL,
  "run_id" VARCHAR(256) NOT NULL,
  "state" VARCHAR(16) NOT NULL,
  "staged_at" VARCHAR(32) NOT NULL,
  "published_at" VARCHAR(32),
  PRIMARY KEY ("load_id", "table_name")
);
BEGIN;
DROP TABLE IF EXISTS "titles__stage_ac1e126c5db8";
CREATE TABLE "titles__stage_ac1e126c5db8" (LIKE "titles");
COPY "titles__stage_ac1e126c5db8" FROM 's3://arxiv-bucket/area/titles/' IAM_ROLE 'arn:aws:iam::123456789012:role/dwh' FORMAT AS PARQUET;
SELECT COUNT(*) FROM "titles__stage_ac1e126c5db8";
DELETE FROM "arxivflow_loads" WHERE "load_id" = 'ac1e126c5db8' AND "table_name" = 'titles';
INSERT INTO "arxivflow_loads" ("load_id", "table_name", "stage_table", "rows", "area_id", "run_id", "state", "staged_at") VALUES ('ac1e126c5db8', 'titles', 'titles__stage_ac1e126c5db8', 200, 'area-1', 'manual__2026-11-23T23:55:01+00:00', 'staged', '<now>');
COMMIT;
CREATE TABLE IF NOT EXISTS "arxivflow_loads" (
  "load_id" VARCHAR(12) NOT NULL,
  "table_name" VARCHAR(64) NOT NULL,
  "stage_table" VARCHAR(128) NOT NULL,
  "rows" BIGINT NOT NULL,
  "area_id" VARCHAR(64) NOT NULL,
  "run_id" VARCHAR(256) NOT NULL,
  "state" VARCHAR(16) NOT NULL,
  "staged_at" VARCHAR(32) NOT NULL,
  "published_at" VARCHAR(32),
  PRIMARY KEY ("load_id", "table_name")
);
SELECT "rows" FROM "arxivflow_loads" WHERE "load_id" = 'ac1e126c5db8' AND "table_name" = 'papers' AND "state" = 'staged';
SELECT "area_id" FROM "arxivflow_loads" WHERE "load_id" = 'ac1e126c5db8' AND "table_name" = 'papers' AND "state" = 'staged';
SELECT "rows" FROM "arxivflow_loads" WHERE "load_id" = 'ac1e126c5db8' AND "table_name" = 'authors' AND "state" = 'staged';
SELECT "area_id" FROM "arxivflow_loads" WHERE "load_id" = 'ac1e126c5db8' AND "table_name" = 'authors' AND "state" = 'staged';
SELECT "rows" FROM "arxivflow_loads" WHERE "load_id" = 'ac1e126c5db8' AND "table_name" = 'abstracts' AND "state" = 'staged';
SELECT "area_id" FROM "arxivflow_loads" WHERE "load_id" = 'ac1e126c5db8' AND "table_name" = 'abstracts' AND "state" = 'staged';
SELECT "rows" FROM "arxivflow_loads" WHERE "load_id" = 'ac1e126c5db8' AND "table_name" = 'categories' AND "state" = 'staged';
SELECT "area_id" FROM "arxivflow_loads" WHERE "load_id" = 'ac1e126c5db8' AND "table_name" = 'categories' AND "state" = 'staged';
SELECT "rows" FROM "arxivflow_loads" WHERE "load_id" = 'ac1e126c5db8' AND "table_name" = 'versions' AND "state" = 'staged';
SELECT "area_id" FROM "arxivflow_loads" WHERE "load_id" = 'ac1e126c5db8' AND "table_name" = 'versions' AND "state" = 'staged';
SELECT "rows" FROM "arxivflow_loads" WHERE "load_id" = 'ac1e126c5db8' AND "table_name" = 'titles' AND "state" = 'staged';
SELECT "area_id" FROM "arxivflow_loads" WHERE "load_id" = 'ac1e126c5db8' AND "table_name" = 'titles' AND "state" = 'staged';
BEGIN;
DROP TABLE IF EXISTS "papers";
ALTER TABLE "papers__stage_ac1e126c5db8" RENAME TO "papers";
DROP TABLE IF EXISTS "authors";
ALTER TABLE "authors__stage_ac1e126c5db8" RENAME TO "authors";
DROP TABLE IF EXISTS "abstracts";
ALTER TABLE "abstracts__stage_ac1e126c5db8" RENAME TO "abstracts";
DROP TABLE IF EXISTS "categories";
ALTER TABLE "categories__stage_ac1e126c5db8" RENAME TO "categories";
DROP TABLE IF EXISTS "versions";
ALTER TABLE "versions__stage_ac1e126c5db8" RENAME TO "versions";
DROP TABLE IF EXISTS "titles";
ALTER TABLE "titles__stage_ac1e126c5db8" RENAME TO "titles";
DELETE FROM "arxivflow_loads" WHERE "state" = 'published' AND "table_name" IN ('papers', 'authors', 'abstracts', 'categories', 'versions', 'titles');
UPDATE "arxivflow_loads" SET "state" = 'published', "stage_table" = "table_name", "published_at" = '<now>' WHERE "state" = 'staged' AND "load_id" = 'ac1e126c5db8' AND "table_name" IN ('papers', 'authors', 'abstracts', 'categories', 'versions', 'titles');
COMMIT;
