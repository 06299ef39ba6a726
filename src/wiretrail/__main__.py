"""`python -m wiretrail` runs the CLI."""

from .cli import main

main()
