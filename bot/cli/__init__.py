"""The `jamroom` command line."""
