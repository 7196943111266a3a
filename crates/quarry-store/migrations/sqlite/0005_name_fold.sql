-- Case-folded copies of file names for case-insensitive name filters.
-- SQLite's LOWER() folds ASCII only, so filters compare against a column the
-- store writes from Rust with `str::to_lowercase()` (and fold the pattern the
-- same way). The backfill below uses LOWER(), so rows written before this
-- migration are folded ASCII-only: their non-ASCII letters keep their case
-- until the name is written again. That is accepted for old rows.
ALTER TABLE files ADD COLUMN name_fold TEXT;
UPDATE files SET name_fold = LOWER(name);
ALTER TABLE extract_runs ADD COLUMN file_name_fold TEXT;
UPDATE extract_runs SET file_name_fold = LOWER(file_name);
ALTER TABLE parse_runs ADD COLUMN file_name_fold TEXT;
UPDATE parse_runs SET file_name_fold = LOWER(file_name);
