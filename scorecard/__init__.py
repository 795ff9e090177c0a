"""Static site generator for a public scorecard of digital transformation in Vietnamese localities.

The pipeline, one module per stage: load → validate → score → charts → render → write.
`scorecard.build.build()` runs it; `scorecard.cli` is the command line.
"""
