"""The `ivfp-bt` command line: one module per command."""
