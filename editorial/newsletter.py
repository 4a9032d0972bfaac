"""The monthly digest mailing list (models and domain logic live here)."""
