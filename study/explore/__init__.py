"""Exploring codings: code co-occurrence and the document × code matrix (study: filters by case)."""
