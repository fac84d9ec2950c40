"""``python -m backpack COMMAND ...``: same as the ``backpack`` console script."""

import sys

from backpack.cli import main

sys.exit(main())
