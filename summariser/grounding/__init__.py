"""Grounding a draft in the source text: alignment to char offsets (``align``), actor and number
linking (``link``), the grounder that keeps or drops draft items (``ground``), dates (``dates``) and the
assembly of the final brief (``assemble``).

May import: ``schema``, ``errors``, ``extract`` (its number parser). Never ``backends``, ``cli``, ``batch``.
"""
