"""The output seam: rendering a brief (``render``: JSON and Markdown; ``html`` with ``html_kit`` and
``html_assets/``) and writing files (``files``: ``render(brief, fmt)``, ``write_atomic``).

May import: ``schema``, ``errors``, ``__version__``. Never ``cli``; used by the CLI, batch and evals.
"""
