"""Briefing many articles: inputs (``inputs``: files, folders, globs, JSONL), the output folder and its
manifest (``manifest``), ``brief_many`` (``many``: used by batch runs and evals alike) and the
resumable runner (``runner``).

May import: ``pipeline``, ``backends``, ``generate.prompt``, ``store``, ``output``, ``load``,
``settings``, ``errors``. Never ``cli``.
"""
