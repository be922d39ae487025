"""`python -m sipas_desktop` behaves exactly like the `sipas` command."""

import sys

from sipas_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
