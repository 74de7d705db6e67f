"""SQLite stores: the shared base (``sqlite``), the response cache (``cache``) and the run log (``runlog``).
The backend wrappers that use them are ``backends.wrap``.

May import: ``errors``, ``settings`` (types only), ``backends.base`` (types only). Never ``cli``,
``batch``, ``pipeline``.
"""
