"""Stage 5: the reference index, the strategy's records as vectors in FAISS."""
