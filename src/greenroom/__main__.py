"""`python -m greenroom` runs the CLI."""

from greenroom.cli import main

main()
