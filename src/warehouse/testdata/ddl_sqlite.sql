CREATE TABLE IF NOT EXISTS "papers" (
  "id" TEXT NOT NULL,
  "title" TEXT,
  "categories" TEXT,
  "doi" TEXT,
  "comments" TEXT,
  "journalref" TEXT,
  "license" TEXT,
  "reportno" TEXT,
  "submitter" TEXT,
  "updatedate" TEXT,
  PRIMARY KEY ("id")
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS "authors" (
  "id" TEXT NOT NULL,
  "author" TEXT,
  "position" INTEGER NOT NULL,
  "lastname" TEXT,
  "firstname" TEXT,
  "suffix" TEXT,
  PRIMARY KEY ("id", "position")
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS "authors_author_idx" ON "authors" ("author");
CREATE TABLE IF NOT EXISTS "abstracts" (
  "id" TEXT NOT NULL,
  "abstract" TEXT,
  "origin" TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS "abstracts_id_origin_key" ON "abstracts" ("id", "origin");
CREATE TABLE IF NOT EXISTS "categories" (
  "id" TEXT NOT NULL,
  "category" TEXT NOT NULL,
  "position" INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS "categories_id_position_key" ON "categories" ("id", "position");
CREATE INDEX IF NOT EXISTS "categories_category_idx" ON "categories" ("category");
CREATE TABLE IF NOT EXISTS "versions" (
  "id" TEXT NOT NULL,
  "created" TEXT,
  "version" TEXT,
  "month" INTEGER,
  "year" INTEGER,
  "origin" TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS "versions_id_version_origin_key" ON "versions" ("id", "version", "origin");
CREATE INDEX IF NOT EXISTS "versions_year_month_idx" ON "versions" ("year", "month");
CREATE TABLE IF NOT EXISTS "titles" (
  "id" TEXT NOT NULL,
  "title" TEXT NOT NULL,
  "origin" TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS "titles_id_origin_key" ON "titles" ("id", "origin");
CREATE TABLE "papers_fts" (word_hash INTEGER NOT NULL, word_check INTEGER NOT NULL, docs BLOB NOT NULL, PRIMARY KEY (word_hash, word_check)) WITHOUT ROWID;
