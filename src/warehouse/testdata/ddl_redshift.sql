BEGIN;
DROP TABLE IF EXISTS "papers";
DROP TABLE IF EXISTS "authors";
DROP TABLE IF EXISTS "abstracts";
DROP TABLE IF EXISTS "categories";
DROP TABLE IF EXISTS "versions";
DROP TABLE IF EXISTS "titles";
CREATE TABLE IF NOT EXISTS "papers" (
  "id" VARCHAR(256) NOT NULL,
  "title" VARCHAR(512),
  "categories" VARCHAR(256),
  "doi" VARCHAR(256),
  "comments" VARCHAR(256),
  "journalref" VARCHAR(256),
  "license" VARCHAR(256),
  "reportno" VARCHAR(256),
  "submitter" VARCHAR(256),
  "updatedate" DATE,
  PRIMARY KEY ("id")
)
DISTSTYLE KEY
DISTKEY ("id")
SORTKEY ("id");
CREATE TABLE IF NOT EXISTS "authors" (
  "id" VARCHAR(256) NOT NULL,
  "author" VARCHAR(256),
  "position" INTEGER NOT NULL,
  "lastname" VARCHAR(256),
  "firstname" VARCHAR(256),
  "suffix" VARCHAR(256),
  PRIMARY KEY ("id", "position")
)
DISTSTYLE KEY
DISTKEY ("id")
SORTKEY ("id");
CREATE TABLE IF NOT EXISTS "abstracts" (
  "id" VARCHAR(256) NOT NULL,
  "abstract" VARCHAR(6144),
  "origin" VARCHAR(256) NOT NULL,
  PRIMARY KEY ("id", "origin")
)
DISTSTYLE KEY
DISTKEY ("id")
SORTKEY ("id");
CREATE TABLE IF NOT EXISTS "categories" (
  "id" VARCHAR(256) NOT NULL,
  "category" VARCHAR(256) NOT NULL,
  "position" INTEGER NOT NULL,
  PRIMARY KEY ("id", "position")
)
DISTSTYLE KEY
DISTKEY ("id")
SORTKEY ("id");
CREATE TABLE IF NOT EXISTS "versions" (
  "id" VARCHAR(256) NOT NULL,
  "created" TIMESTAMP,
  "version" VARCHAR(256),
  "month" SMALLINT,
  "year" SMALLINT,
  "origin" VARCHAR(256) NOT NULL
)
DISTSTYLE KEY
DISTKEY ("id")
SORTKEY ("id");
CREATE TABLE IF NOT EXISTS "titles" (
  "id" VARCHAR(256) NOT NULL,
  "title" VARCHAR(256) NOT NULL,
  "origin" VARCHAR(256) NOT NULL,
  PRIMARY KEY ("id", "origin")
)
DISTSTYLE KEY
DISTKEY ("id")
SORTKEY ("id");
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
COMMIT;
