"""Entry point: python build.py [build|serve|check] [--out DIR]. See README.md."""

import sys

from scorecard.cli import main

sys.exit(main())
