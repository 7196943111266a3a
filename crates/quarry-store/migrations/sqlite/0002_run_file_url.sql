-- Runs created from `file.url` remember the URL until a worker fetches it.
ALTER TABLE extract_runs ADD COLUMN file_url TEXT;
