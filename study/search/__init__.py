"""Full-text search over a project's documents (study: its filters reach cases)."""
