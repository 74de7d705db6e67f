"""Asking a model: versioned prompts (``prompt``), the decide loop that turns rules candidates and model
answers into a draft (``decide``), and long articles split into parts and merged back (``parts``).

May import: ``schema``, ``grounding``, ``backends.base``, ``errors``, ``load``. Never ``cli``, ``batch``,
``evals`` or ``output``.
"""
