"""The retrieval core: parse, clean, chunk, embed, store, search and compose answers."""
