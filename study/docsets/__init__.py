"""Document sets: named groups of documents, a filter for search and the explore pages."""
