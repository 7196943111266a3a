"""Competitor timing for `quarry bench parse`; run with the bench venv's python.

Usage: baseline.py TOOL LIST_FILE REPS, TOOL is pymupdf or pdfplumber, LIST_FILE
holds one PDF path per line. Files are read into memory and libraries are
imported before the clock starts, so interpreter start-up and disk reads are
excluded, as they are for Quarry. Prints one JSON object: pages, words,
failures and the best wall time of REPS passes over all files.
"""

import io
import json
import sys
import time


def pymupdf_words(data):
    import pymupdf

    pages = words = 0
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        for page in doc:
            words += len(page.get_text("words"))
            pages += 1
    return pages, words


def pdfplumber_words(data):
    import pdfplumber

    pages = words = 0
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            words += len(page.extract_words())
            pages += 1
            page.close()
    return pages, words


def main():
    tool, list_file, reps = sys.argv[1], sys.argv[2], int(sys.argv[3])
    fn = {"pymupdf": pymupdf_words, "pdfplumber": pdfplumber_words}[tool]
    __import__(tool)
    with open(list_file, encoding="utf-8") as f:
        paths = [line.rstrip("\n") for line in f if line.strip()]
    blobs = []
    for p in paths:
        with open(p, "rb") as f:
            blobs.append(f.read())
    best = None
    for _ in range(reps):
        pages = words = failures = 0
        start = time.perf_counter()
        for data in blobs:
            try:
                p, w = fn(data)
                pages += p
                words += w
            except Exception:  # noqa: BLE001 - a failure is counted, not fatal
                failures += 1
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    print(json.dumps({"pages": pages, "words": words, "failures": failures, "seconds": best}))


if __name__ == "__main__":
    main()
