"""Stage 2: cut a read document into sentences and passages (spaCy rules, Swedish check)."""
