"""The named vectors of a chunk point."""

DENSE, SPARSE, LATENT = "dense", "lexical", "latent"
