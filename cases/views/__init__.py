"""Views of the cases app, one module per subject: cases, matrices, tables."""
