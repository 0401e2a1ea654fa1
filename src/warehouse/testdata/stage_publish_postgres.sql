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
  "updatedate" DATE
);
ALTER TABLE "papers__stage_0123456789ab" ADD CONSTRAINT "papers__stage_0123456789ab_pkey" PRIMARY KEY ("id");
DROP TABLE IF EXISTS "papers";
ALTER TABLE "papers__stage_0123456789ab" RENAME TO "papers";
ALTER TABLE "papers" RENAME CONSTRAINT "papers__stage_0123456789ab_pkey" TO "papers_pkey";
CREATE TABLE "authors__stage_0123456789ab" (
  "id" TEXT NOT NULL,
  "author" TEXT,
  "position" INTEGER NOT NULL,
  "lastname" TEXT,
  "firstname" TEXT,
  "suffix" TEXT
);
ALTER TABLE "authors__stage_0123456789ab" ADD CONSTRAINT "authors__stage_0123456789ab_pkey" PRIMARY KEY ("id", "position");
CREATE INDEX "authors__stage_0123456789ab_author_idx" ON "authors__stage_0123456789ab" ("author");
DROP TABLE IF EXISTS "authors";
ALTER TABLE "authors__stage_0123456789ab" RENAME TO "authors";
ALTER TABLE "authors" RENAME CONSTRAINT "authors__stage_0123456789ab_pkey" TO "authors_pkey";
ALTER INDEX "authors__stage_0123456789ab_author_idx" RENAME TO "authors_author_idx";
CREATE TABLE "abstracts__stage_0123456789ab" (
  "id" TEXT NOT NULL,
  "abstract" TEXT,
  "origin" TEXT NOT NULL
);
ALTER TABLE "abstracts__stage_0123456789ab" ADD CONSTRAINT "abstracts__stage_0123456789ab_pkey" PRIMARY KEY ("id", "origin");
DROP TABLE IF EXISTS "abstracts";
ALTER TABLE "abstracts__stage_0123456789ab" RENAME TO "abstracts";
ALTER TABLE "abstracts" RENAME CONSTRAINT "abstracts__stage_0123456789ab_pkey" TO "abstracts_pkey";
CREATE TABLE "categories__stage_0123456789ab" (
  "id" TEXT NOT NULL,
  "category" TEXT NOT NULL,
  "position" INTEGER NOT NULL
);
ALTER TABLE "categories__stage_0123456789ab" ADD CONSTRAINT "categories__stage_0123456789ab_pkey" PRIMARY KEY ("id", "position");
CREATE INDEX "categories__stage_0123456789ab_category_idx" ON "categories__stage_0123456789ab" ("category");
DROP TABLE IF EXISTS "categories";
ALTER TABLE "categories__stage_0123456789ab" RENAME TO "categories";
ALTER TABLE "categories" RENAME CONSTRAINT "categories__stage_0123456789ab_pkey" TO "categories_pkey";
ALTER INDEX "categories__stage_0123456789ab_category_idx" RENAME TO "categories_category_idx";
CREATE TABLE "versions__stage_0123456789ab" (
  "id" TEXT NOT NULL,
  "created" TIMESTAMPTZ,
  "version" TEXT,
  "month" SMALLINT,
  "year" SMALLINT,
  "origin" TEXT NOT NULL
);
CREATE UNIQUE INDEX "versions__stage_0123456789ab_id_version_origin_key" ON "versions__stage_0123456789ab" ("id", "version", "origin");
CREATE INDEX "versions__stage_0123456789ab_year_month_idx" ON "versions__stage_0123456789ab" ("year", "month");
DROP TABLE IF EXISTS "versions";
ALTER TABLE "versions__stage_0123456789ab" RENAME TO "versions";
ALTER INDEX "versions__stage_0123456789ab_id_version_origin_key" RENAME TO "versions_id_version_origin_key";
ALTER INDEX "versions__stage_0123456789ab_year_month_idx" RENAME TO "versions_year_month_idx";
CREATE TABLE "titles__stage_0123456789ab" (
  "id" TEXT NOT NULL,
  "title" TEXT NOT NULL,
  "origin" TEXT NOT NULL
);
ALTER TABLE "titles__stage_0123456789ab" ADD CONSTRAINT "titles__stage_0123456789ab_pkey" PRIMARY KEY ("id", "origin");
DROP TABLE IF EXISTS "titles";
ALTER TABLE "titles__stage_0123456789ab" RENAME TO "titles";
ALTER TABLE "titles" RENAME CONSTRAINT "titles__stage_0123456789ab_pkey" TO "titles_pkey";
