-- Case-folded copies of file names for case-insensitive name filters,
-- written from Rust with `str::to_lowercase()` (the filter pattern is folded
-- the same way), so both backends match the same rows. Postgres LOWER()
-- folds non-ASCII letters too, so the backfill of existing rows is close to
-- (though not guaranteed identical with) Rust's folding.
ALTER TABLE files ADD COLUMN name_fold TEXT;
UPDATE files SET name_fold = LOWER(name);
ALTER TABLE extract_runs ADD COLUMN file_name_fold TEXT;
UPDATE extract_runs SET file_name_fold = LOWER(file_name);
ALTER TABLE parse_runs ADD COLUMN file_name_fold TEXT;
UPDATE parse_runs SET file_name_fold = LOWER(file_name);
