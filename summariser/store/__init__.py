"""SQLite stores: the shared base (``sqlite``), the response cache (``cache``) and the run log (``runlog``).

May import: ``errors``, ``settings``, ``backends.base``. Never ``cli``, ``batch``, ``pipeline``.
"""
