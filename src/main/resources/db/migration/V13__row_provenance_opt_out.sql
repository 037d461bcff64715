-- A pipeline may opt out of row provenance (the _sluice_file_id and _sluice_row columns): its rows
-- then carry none, its segments are recorded without it, and a reload that would need it (a file
-- changed after rows of it were loaded) is refused rather than risking rows twice.
ALTER TABLE sluice.pipeline ADD COLUMN row_provenance BOOLEAN NOT NULL DEFAULT true;
