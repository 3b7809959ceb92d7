"""Stage 8: the files a user reads: alignment and diff reports, record files, written atomically."""
