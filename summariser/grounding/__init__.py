"""Grounding a draft in the source text: alignment to char offsets (``align``), actor and number
linking (``link``), the grounder that keeps or drops draft items (``ground``), dates (``dates``), the
assembly of the brief's fields (``assemble``) and the merging of a long article's parts (``merge``).

May import: ``schema``, ``errors``, ``extract`` (its number parser). Never ``backends``, ``generate``,
``cli``, ``batch``.
"""
