"""The data model: the brief (``brief``), the model's draft (``draft``) and the event taxonomy (``taxonomy``).

Pydantic models and enums only; no behaviour beyond validation.

May import: ``summariser.errors``. Imported by every other package.
"""
