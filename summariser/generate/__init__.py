"""Asking a model, written once for sync and async: step functions that yield requests (``drive``:
``Ask``, ``run_steps``, ``arun_steps``), the full-draft re-ask loop (``full``), the decide loop for
choices (``decide``), the parts a long article is briefed in (``parts``), versioned prompts (``prompt``)
and what a brief asked and cost (``ledger``).

May import: ``schema``, ``grounding``, ``backends.base``, ``errors``, ``load``. Never ``pipeline``,
``cli``, ``batch``, ``evals`` or ``output``.
"""
