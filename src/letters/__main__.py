"""Run the CLI as ``python -m letters``."""

from letters.cli import main

main()
