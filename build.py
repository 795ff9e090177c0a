"""Entry point: python build.py [build|serve|check] [--out DIR]. See README.md."""

import sys

from scorecard.cli import main

if __name__ == "__main__":  # drawing workers (scorecard/drawing.py) import this file again
    sys.exit(main())
