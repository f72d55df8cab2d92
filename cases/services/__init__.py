"""Writes of the cases app, one module per subject. Import the module you need:

- `cases.services.cases`: cases, the documents linked to them, case settings, import
- `cases.services.attributes`: attribute definitions and values, write-up dimensions
- `cases.services.writeups`: write-ups and the excerpts they cite
- `cases.services.matrices`: matrices, sections, rows, cell overrides, footnotes
- `cases.services.classifications`: classification rules
"""
