-- Row-level deletes of external Iceberg tables (merge-on-read position and equality delete files)
-- applied to the rows of each loaded data file (segment). A sync applies a delete file to a data
-- file's rows once; when a delete file that was applied no longer applies to the data file (a
-- rolled-back table, rewritten delete files), the data file's rows are loaded again, and the delete
-- files that apply now are applied to them. Goes with the segment (a replaced or cleared file).
CREATE TABLE sluice.segment_delete (
    segment_id  BIGINT NOT NULL REFERENCES sluice.segment (id) ON DELETE CASCADE,
    delete_path TEXT NOT NULL,
    PRIMARY KEY (segment_id, delete_path)
);
