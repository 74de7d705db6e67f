"""Typed fields of the brief: a source's kind is one of four, whatever a model wrote."""

from __future__ import annotations

from summariser.schema.brief import Source, SourceKind


def test_source_kind_is_an_enum_and_an_unknown_kind_is_other() -> None:
    assert Source(name="Reuters").kind is SourceKind.MEDIA
    assert Source(name="Ana", kind="person").kind is SourceKind.PERSON
    assert Source(name="The Daily", kind="newspaper").kind is SourceKind.OTHER
    assert Source(name="UN", kind=SourceKind.INSTITUTION).model_dump(mode="json")["kind"] == "institution"
