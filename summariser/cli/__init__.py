"""The command line: every click and rich line lives here, and nothing else does.

``main`` (the ``summariser`` entry point) and the ``brief``/``schema`` commands are in ``cli.main``; the
``batch``, ``cache`` and ``logs`` commands in ``cli.batch``; ``eval`` in ``cli.evals``; ``serve``
in ``cli.serve`` (the server itself is the ``serve`` package). Subcommand modules
are imported only when run, so ``--help`` stays fast.

May import: anything in the package. Nothing in the package imports ``cli``.
"""

from __future__ import annotations

from .main import main

__all__ = ["main"]
