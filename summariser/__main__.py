"""``python -m summariser``: the same as the ``summariser`` command."""

from __future__ import annotations

from .cli.main import main

if __name__ == "__main__":  # pragma: no cover
    main()
