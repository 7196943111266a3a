-- A run whose file is a URL with `settings.password` keeps the password
-- until a worker downloads the file and stores it with it.
ALTER TABLE extract_runs ADD COLUMN file_password TEXT;
ALTER TABLE parse_runs ADD COLUMN file_password TEXT;
ALTER TABLE classify_runs ADD COLUMN file_password TEXT;
ALTER TABLE split_runs ADD COLUMN file_password TEXT;
