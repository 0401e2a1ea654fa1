CREATE TABLE "papers__stage_0123456789ab" (
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
DROP TABLE IF EXISTS "papers";
ALTER TABLE "papers__stage_0123456789ab" RENAME TO "papers";
CREATE TABLE "authors__stage_0123456789ab" (
  "id" TEXT NOT NULL,
  "author" TEXT,
  "position" INTEGER NOT NULL,
  "lastname" TEXT,
  "firstname" TEXT,
  "suffix" TEXT,
  PRIMARY KEY ("id", "position")
) WITHOUT ROWID;
CREATE INDEX "authors_author_idx__0123456789ab" ON "authors__stage_0123456789ab" ("author");
DROP TABLE IF EXISTS "authors";
ALTER TABLE "authors__stage_0123456789ab" RENAME TO "authors";
CREATE TABLE "abstracts__stage_0123456789ab" (
  "id" TEXT NOT NULL,
  "abstract" TEXT,
  "origin" TEXT NOT NULL
);
CREATE UNIQUE INDEX "abstracts_id_origin_key__0123456789ab" ON "abstracts__stage_0123456789ab" ("id", "origin");
DROP TABLE IF EXISTS "abstracts";
ALTER TABLE "abstracts__stage_0123456789ab" RENAME TO "abstracts";
CREATE TABLE "categories__stage_0123456789ab" (
  "id" TEXT NOT NULL,
  "category" TEXT NOT NULL,
  "position" INTEGER NOT NULL
);
CREATE UNIQUE INDEX "categories_id_position_key__0123456789ab" ON "categories__stage_0123456789ab" ("id", "position");
CREATE INDEX "categories_category_idx__0123456789ab" ON "categories__stage_0123456789ab" ("category");
DROP TABLE IF EXISTS "categories";
ALTER TABLE "categories__stage_0123456789ab" RENAME TO "categories";
CREATE TABLE "versions__stage_0123456789ab" (
  "id" TEXT NOT NULL,
  "created" TEXT,
  "version" TEXT,
  "month" INTEGER,
  "year" INTEGER,
  "origin" TEXT NOT NULL
);
CREATE UNIQUE INDEX "versions_id_version_origin_key__0123456789ab" ON "versions__stage_0123456789ab" ("id", "version", "origin");
CREATE INDEX "versions_year_month_idx__0123456789ab" ON "versions__stage_0123456789ab" ("year", "month");
DROP TABLE IF EXISTS "versions";
ALTER TABLE "versions__stage_0123456789ab" RENAME TO "versions";
CREATE TABLE "titles__stage_0123456789ab" (
  "id" TEXT NOT NULL,
  "title" TEXT NOT NULL,
  "origin" TEXT NOT NULL
);
CREATE UNIQUE INDEX "titles_id_origin_key__0123456789ab" ON "titles__stage_0123456789ab" ("id", "origin");
DROP TABLE IF EXISTS "titles";
ALTER TABLE "titles__stage_0123456789ab" RENAME TO "titles";
