-- A partition may hold one byte range of a large CSV file instead of whole files: bytes
-- [range_start, range_end), whose first data row is data row first_row + 1 of the file.
ALTER TABLE sluice.run_partition
    ADD COLUMN range_start BIGINT,
    ADD COLUMN range_end   BIGINT,
    ADD COLUMN first_row   BIGINT;
