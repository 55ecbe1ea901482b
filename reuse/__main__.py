"""Run the command line as ``python -m reuse``."""

from reuse.cli import main

main()
