"""Ground + assemble: model drafts aligned to the text, invented items dropped, extractor fallback merged."""

from __future__ import annotations

from summariser.grounding.assemble import assemble
from summariser.schema.brief import Alignment, CasualtyCategory, Origin, Qualifier
from summariser.schema.draft import Draft, DraftActor, DraftCasualty, DraftLocation, DraftQuote
from summariser.schema.taxonomy import EventType

TEXT = (
    "At least 12 people were killed in Kafr Dalil on Monday, officials said. According to Reuters, 15 died.\n"
    "\u201cWe heard three explosions,\u201d said Omar al-Rashid, a shopkeeper. "
    "\u201cThere was no warning,\u201d "
    "he added.\n"
    "Council spokeswoman Lina Haddad said: \u201cWe cannot sit at a table while our towns are shelled.\u201d"
)


def draft(**kw: object) -> Draft:
    base: dict[str, object] = {
        "headline": "12 killed in Kafr Dalil",
        "summary": "At least 12 people were killed.",
        "event_type": EventType.EXPLOSIONS,
        "description": "A rocket attack.",
    }
    base.update(kw)
    return Draft.model_validate(base)


def reproduces(brief_part: object) -> None:
    for ev in getattr(brief_part, "evidence", []):
        assert TEXT[ev.start : ev.end] == ev.text


def test_model_quotes_are_aligned_and_invented_ones_reported() -> None:
    d = draft(
        quotes=[
            DraftQuote(text="We heard three explosions,", speaker="Omar al-Rashid"),
            DraftQuote(text="We will burn the city down", speaker="Omar al-Rashid"),
        ],
        actors=[DraftActor(name="Omar al-Rashid", kind="person")],
    )
    r = assemble(d, TEXT, origin=Origin.LLM)
    assert [q.text for q in r.quotes] == ["We heard three explosions,"]
    assert r.quotes[0].speaker_id == r.actors[0].id and r.quotes[0].speaker_evidence
    assert any("burn the city" in u for u in r.problems.ungrounded)
    reproduces(r.quotes[0])


def test_quote_with_straight_quotes_and_typos_aligns_normalised_or_fuzzy() -> None:
    d = draft(
        quotes=[
            DraftQuote(text='"We cannot sit at a table while our towns are shelld."', speaker="Lina Haddad")
        ]
    )
    r = assemble(d, TEXT, origin=Origin.LLM)
    assert len(r.quotes) == 1
    q = r.quotes[0]
    assert q.evidence[0].alignment is Alignment.FUZZY
    assert q.text == TEXT[q.evidence[0].start : q.evidence[0].end]  # the article's words, not the model's
    assert any("fuzzily" in w for w in r.problems.warnings)


def test_interrupted_quote_given_as_one_string_becomes_two_spans() -> None:
    d = draft(
        quotes=[DraftQuote(text="We heard three explosions, There was no warning,", speaker="Omar al-Rashid")]
    )
    r = assemble(d, TEXT, origin=Origin.LLM)
    assert len(r.quotes) == 1 and len(r.quotes[0].evidence) == 2
    reproduces(r.quotes[0])


def test_invented_speaker_is_cleared_and_reported() -> None:
    d = draft(quotes=[DraftQuote(text="There was no warning,", speaker="Ahmed Khalil")])
    r = assemble(d, TEXT, origin=Origin.LLM)
    assert r.quotes[0].speaker is None
    assert any("Ahmed Khalil" in u for u in r.problems.ungrounded)


def test_extractor_fills_what_the_model_missed() -> None:
    fb = draft(quotes=[DraftQuote(text="There was no warning,")])
    s = TEXT.index("There was no warning,")
    fb.quotes[0].with_spans((s, s + len("There was no warning,")))
    sp = TEXT.index("Omar al-Rashid")
    fb.quotes[0].set_speaker("Omar al-Rashid", (sp, sp + 14))
    d = draft(quotes=[DraftQuote(text="We heard three explosions,", speaker="Omar al-Rashid")])
    r = assemble(d, TEXT, origin=Origin.LLM, fallback=fb)
    assert [q.text for q in r.quotes] == ["We heard three explosions,", "There was no warning,"]
    added = r.quotes[1]
    assert added.evidence[0].origin is Origin.EXTRACTOR and added.speaker == "Omar al-Rashid"
    assert any("added from the extractor" in w for w in r.problems.warnings)


def test_figures_with_invented_numbers_are_reported_and_real_ones_kept() -> None:
    d = draft(
        casualties=[
            DraftCasualty(
                category=CasualtyCategory.KILLED,
                count=12,
                qualifier=Qualifier.AT_LEAST,
                as_written="At least 12",
                victims="people",
            ),
            DraftCasualty(category=CasualtyCategory.KILLED, count=15, as_written="15", reported_by="Reuters"),
            DraftCasualty(category=CasualtyCategory.KILLED, count=50, as_written="50 people"),
            DraftCasualty(category=CasualtyCategory.INJURED, count=9, as_written="9", reported_by="CNN"),
        ]
    )
    r = assemble(d, TEXT, origin=Origin.LLM)
    assert [(c.count, c.reported_by) for c in r.casualties] == [(12, None), (15, "Reuters")]
    assert sum("not in the article" in u for u in r.problems.ungrounded) == 2
    for c in r.casualties:
        reproduces(c)


def test_reporter_not_in_article_is_dropped_with_warning() -> None:
    d = draft(
        casualties=[
            DraftCasualty(
                category=CasualtyCategory.KILLED, count=15, as_written="15", reported_by="Al Jazeera"
            )
        ]
    )
    r = assemble(d, TEXT, origin=Origin.LLM)
    assert r.casualties[0].reported_by is None
    assert any("Al Jazeera" in w for w in r.problems.warnings)


def test_actor_aliases_not_in_text_are_dropped_and_invented_actors_reported() -> None:
    d = draft(
        actors=[
            DraftActor(name="Lina Haddad", aliases=["Haddad", "L. Haddad-Smith"]),
            DraftActor(name="Barack Obama"),
        ]
    )
    r = assemble(d, TEXT, origin=Origin.LLM)
    assert [(a.id, a.name, a.aliases) for a in r.actors] == [("a1", "Lina Haddad", ["Haddad"])]
    assert any("Barack Obama" in u for u in r.problems.ungrounded)


def test_invented_place_reported_and_alias_evidence_collected() -> None:
    d = draft(locations=[DraftLocation(name="Kafr Dalil"), DraftLocation(name="Atlantis")])
    r = assemble(d, TEXT, origin=Origin.LLM)
    assert [loc.name for loc in r.event.locations] == ["Kafr Dalil"]
    assert any("Atlantis" in u for u in r.problems.ungrounded)


def test_summary_with_invented_number_is_replaced_by_fallback() -> None:
    fb = draft(summary="At least 12 people were killed in Kafr Dalil on Monday, officials said.")
    s = TEXT.index("At least 12")
    fb._summary_spans.append((s, TEXT.index("\n")))
    d = draft(summary="Ninety people died in a massive attack.", headline="90 dead")
    r = assemble(d, TEXT, origin=Origin.LLM, fallback=fb)
    assert r.summary == fb.summary and r.headline == fb.headline
    assert r.summary_evidence and r.summary_evidence[0].origin is Origin.EXTRACTOR


def test_time_resolves_with_publication_date() -> None:
    import datetime as dt

    d = draft(time_text="on Monday")
    r = assemble(d, TEXT, origin=Origin.LLM, published=dt.date(2026, 3, 11))
    assert r.event.time.text == "on Monday" and r.event.time.date == dt.date(2026, 3, 9)
    reproduces(r.event.time)


def test_vague_figures_are_grounded_by_their_words_and_range() -> None:
    text = "Dozens of people were hurt when the roof fell, police said."
    ok = DraftCasualty(
        category=CasualtyCategory.INJURED,
        count_min=24,
        count_max=99,
        qualifier=Qualifier.ABOUT,
        as_written="Dozens",
    )
    invented = DraftCasualty(category=CasualtyCategory.INJURED, count=500, as_written="Dozens")
    r = assemble(draft(casualties=[ok, invented]), text, origin=Origin.LLM)
    assert [(c.count_min, c.count_max) for c in r.casualties] == [(24, 99)]
    assert any("Dozens" in u for u in r.problems.ungrounded)


def test_no_day_named_falls_back_to_the_publication_date_with_a_warning() -> None:
    import datetime as dt

    text = "Two men were shot outside a bakery in Dunmore, police said."
    r = assemble(draft(time_text=None), text, origin=Origin.EXTRACTOR, published=dt.date(2026, 3, 11))
    assert r.event.time.text is None and r.event.time.date == dt.date(2026, 3, 11)
    assert any("publication date" in w for w in r.problems.warnings)


def test_a_day_the_publication_date_cannot_place_is_left_undated() -> None:
    import datetime as dt

    text = "Two men were shot outside a bakery in Dunmore last week, police said."
    r = assemble(draft(time_text="last week"), text, origin=Origin.EXTRACTOR, published=dt.date(2026, 3, 11))
    assert r.event.time.text == "last week" and r.event.time.date is None


def test_without_a_publication_date_nothing_is_assumed() -> None:
    text = "Two men were shot outside a bakery in Dunmore, police said."
    assert assemble(draft(time_text=None), text, origin=Origin.EXTRACTOR).event.time.date is None
