"""Briefing many articles: inputs (``inputs``: files, folders, globs, JSONL) and the resumable runner
(``runner``: manifest, output folder lock, concurrency).

May import: ``pipeline``, ``backends``, ``store``, ``output``, ``load``, ``settings``, ``errors``.
Never ``cli``.
"""
