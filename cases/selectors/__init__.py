"""Fast reads of the cases app, one module per subject. Import the module you need:

- `cases.selectors.readers`: what a member may see (pseudonyms, document names, whose codings)
- `cases.selectors.cases`: case lists and pages, attributes, write-ups with their citations
- `cases.selectors.facts`: codings, case links and classification rules as plain data
- `cases.selectors.matrices`: the computed matrix, its export table and a cell's evidence
- `cases.selectors.classifications`: classifications and their results
- `cases.selectors.tables`: the study's code frequency table and open-coding trail

Who sees which numbers. Matrices, classifications and frequency tables are *results*: leads,
owners and viewers see them computed from every coder's codings. In a blind project a coder's
numbers come from their own codings only, so no count reveals another coder's work. The excerpts
behind a number (evidence) always go through `visible_excerpts`, so a viewer of a blind project
sees the numbers but no raw codings.
"""
