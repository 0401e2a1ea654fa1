SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'papers';
BEGIN;
DROP TABLE IF EXISTS "papers__staging";
CREATE TABLE "papers__staging" (LIKE "papers");
COPY "papers__staging" FROM 's3://arxiv-bucket/area/_redshift_manifest_papers.json' IAM_ROLE 'arn:aws:iam::123456789012:role/dwh' FORMAT AS PARQUET MANIFEST;
SELECT COUNT(*) FROM "papers__staging";
ALTER TABLE "papers" RENAME TO "papers__previous";
ALTER TABLE "papers__staging" RENAME TO "papers";
DROP TABLE "papers__previous";
COMMIT;
-- s3://arxiv-bucket/area/_redshift_manifest_papers.json
{
  "entries": [
    {
      "url": "s3://arxiv-bucket/area/papers/part-00000-20261123T235501Z-1a2b3c4d.parquet",
      "mandatory": true,
      "meta": {
        "content_length": 123456
      }
    },
    {
      "url": "s3://arxiv-bucket/area/papers/part-00001-20261123T235501Z-1a2b3c4d.parquet",
      "mandatory": true,
      "meta": {
        "content_length": 7890
      }
    }
  ]
}
