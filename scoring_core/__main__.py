"""``python -m scoring_core COMMAND``: the entry shim of the command line, which lives in the app
layer (:mod:`scoring_cli`). The only module of ``scoring_core`` allowed to import an app package
(tests/test_layering.py)."""

import sys

from scoring_cli import main

sys.exit(main())
