"""``python -m summariser.cli``: the same as the ``summariser`` command."""

from __future__ import annotations

from .main import main

if __name__ == "__main__":  # pragma: no cover
    main()
