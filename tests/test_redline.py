"""The redline of two documents: exact segments, clause identity across versions, and the summary."""

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from drafting.domain.text.composed_document import CountryGroup, Document, DocumentClause
from drafting.domain.text.redline import (
    Change,
    Part,
    Section,
    Segment,
    compare_words,
    match_clauses,
    redline,
    summary,
    tally,
    tokens,
)
from drafting.models import DeclarationLayout

E, I, D = Change.equal, Change.insert, Change.delete


def segments(*pairs) -> list[Segment]:
    return [Segment(change, text) for change, text in pairs]


def clause(number, body, heading=None, clause_id=None) -> DocumentClause:
    return DocumentClause(number, heading, [body] if isinstance(body, str) else body, clause_id)


def document(*clauses, **fields) -> Document:
    values = dict(
        layout=DeclarationLayout.listed_by_country,
        language="en",
        header="ANMC21 2010",
        title="Tokyo Declaration",
        subtitle=None,
        dated="November 9, 2010",
        opening="The 9th Plenary Meeting held in Tokyo from November 8 to 9, 2010.",
        preamble=[],
        clauses=list(clauses),
        closing_formula=["This declaration is hereby proposed by Tokyo, Japan."],
        signatories=[CountryGroup("Japan", ["Tokyo"])],
    )
    values.update(fields)
    return Document(**values)


def clause_parts(parts: list[Part]) -> list[Part]:
    return [part for part in parts if part.section is Section.clause]


def old_text(compared: list[Segment]) -> str:
    return "".join(segment.text for segment in compared if segment.change is not I)


def new_text(compared: list[Segment]) -> str:
    return "".join(segment.text for segment in compared if segment.change is not D)


# Words


def test_tokens_keep_every_character_and_split_unspaced_scripts_into_characters():
    assert tokens("Cities act, now.  Together") == ["Cities", " ", "act", ",", " ", "now", ".", "  ", "Together"]
    assert tokens("横浜市は2030年") == ["横", "浜", "市", "は", "2030", "年"]
    assert tokens("") == []


def test_a_changed_word_is_deleted_then_inserted_in_place():
    assert compare_words("We will act now.", "We will act today.") == segments(
        (E, "We will act "), (D, "now"), (I, "today"), (E, "."),
    )


def test_an_added_word_is_inserted_with_its_space():
    assert compare_words("We will act now.", "We will act together now.") == segments(
        (E, "We will act "), (I, "together "), (E, "now."),
    )


def test_a_run_of_replaced_words_is_one_deletion_and_one_insertion():
    assert compare_words("the big red dog", "a small blue dog") == segments(
        (D, "the big red"), (I, "a small blue"), (E, " dog"),
    )


def test_a_changed_word_in_japanese_is_a_small_change_not_the_whole_paragraph():
    assert compare_words("横浜市は気候変動に取り組む。", "横浜市は気候危機に取り組む。") == segments(
        (E, "横浜市は気候"), (D, "変動"), (I, "危機"), (E, "に取り組む。"),
    )


def test_texts_that_are_the_same_are_one_equal_segment_and_empty_texts_none():
    assert compare_words("Cities lead.", "Cities lead.") == segments((E, "Cities lead."))
    assert compare_words("", "") == []
    assert compare_words("", "New text.") == segments((I, "New text."))


@given(st.text(), st.text())
def test_segments_rejoin_into_exactly_the_old_and_the_new_text(old, new):
    compared = compare_words(old, new)
    assert (old_text(compared), new_text(compared)) == (old, new)
    assert all(segment.text for segment in compared)


# Whole documents


def test_unchanged_documents_have_no_change():
    parts = redline(document(clause(1, "We act.", "Climate", 10)), document(clause(1, "We act.", "Climate", 10)))
    counted = tally(parts)
    assert [part.name for part in parts] == [
        "Title", "Opening", "Clause 1", "Closing formula", "Participating cities and organizations",
    ]
    assert all(segment.change is E for part in parts for line in [part.heading, *part.paragraphs] for segment in line)
    assert (counted.any_change, counted.insertions, counted.deletions) == (False, 0, 0)
    assert summary(counted) == "The two versions read the same."


def test_an_edited_clause_is_compared_word_by_word():
    old = document(clause(1, "We act."), clause(2, "Cities share data.", "Data", 20))
    new = document(clause(1, "We act."), clause(2, "Cities share open data.", "Data", 20))
    edited = clause_parts(redline(old, new))[1]
    assert (edited.name, edited.heading) == ("Clause 2", segments((E, "Data")))
    assert edited.paragraphs == [segments((E, "Cities share "), (I, "open "), (E, "data."))]
    assert summary(tally(redline(old, new))) == "1 insertion, no deletions in clause 2."


def test_a_moved_clause_keeps_its_identity_and_shows_its_old_number():
    climate, youth = clause(1, "We act on climate.", clause_id=10), clause(2, "We invite young people.", clause_id=20)
    new = document(replace(youth, number=1), replace(climate, number=2, paragraphs=["We act on the climate."]))
    parts = clause_parts(redline(document(climate, youth), new))
    assert [(part.name, part.moved) for part in parts] == [("Clause 1 (was 2)", True), ("Clause 2 (was 1)", True)]
    assert parts[0].paragraphs == [segments((E, "We invite young people."))]
    assert parts[1].paragraphs == [segments((E, "We act on "), (I, "the "), (E, "climate."))]
    assert summary(tally(redline(document(climate, youth), new))) == (
        "1 insertion, no deletions in clause 2. Renumbered: clause 1 (was 2) and clause 2 (was 1)."
    )


def test_a_clause_moved_without_a_change_is_a_change_of_order_only():
    first, second = clause(1, "First.", clause_id=1), clause(2, "Second.", clause_id=2)
    counted = tally(redline(document(first, second), document(replace(second, number=1), replace(first, number=2))))
    assert (counted.any_change, counted.insertions, counted.deletions) == (True, 0, 0)
    assert summary(counted) == "No words changed. Renumbered: clause 1 (was 2) and clause 2 (was 1)."


def test_an_added_clause_is_all_inserted_and_a_removed_one_all_deleted_where_it_stood():
    old = document(clause(1, "Keep.", clause_id=1), clause(2, "Drop.", "Gone", 2), clause(3, "Also keep.", clause_id=3))
    new = document(clause(1, "Keep.", clause_id=1), clause(2, "Also keep.", clause_id=3), clause(3, "Added.", "New", 4))
    parts = clause_parts(redline(old, new))
    assert [part.name for part in parts] == ["Clause 1", "Clause 2 (removed)", "Clause 2 (was 3)", "Clause 3 (new)"]
    assert (parts[1].heading, parts[1].paragraphs) == (segments((D, "Gone")), [segments((D, "Drop."))])
    assert (parts[3].heading, parts[3].paragraphs) == (segments((I, "New")), [segments((I, "Added."))])
    assert summary(tally(redline(old, new))) == (
        "2 insertions, 2 deletions in clause 3 and removed clause 2. Renumbered: clause 2 (was 3)."
    )


def test_a_removed_first_clause_comes_first():
    old = document(clause(1, "Drop.", clause_id=1), clause(2, "Keep.", clause_id=2))
    parts = redline(old, document(clause(1, "Keep.", clause_id=2)))
    assert [part.name for part in clause_parts(parts)] == ["Clause 1 (removed)", "Clause 1 (was 2)"]
    assert summary(tally(parts)) == "No insertions, 1 deletion in removed clause 1. Renumbered: clause 1 (was 2)."


def test_a_paragraph_added_to_a_clause_is_inserted_and_the_others_stay_equal():
    old = document(clause(1, ["First paragraph.", "Last paragraph."], clause_id=1))
    new = document(clause(1, ["First paragraph.", "A new paragraph.", "Last paragraph."], clause_id=1))
    assert clause_parts(redline(old, new))[0].paragraphs == [
        segments((E, "First paragraph.")), segments((I, "A new paragraph.")), segments((E, "Last paragraph.")),
    ]


def test_clauses_without_identity_are_matched_by_number():
    old = [clause(1, "One."), clause(2, "Two.", clause_id=None)]
    new = [clause(1, "One!", clause_id=7), clause(2, "Two."), clause(3, "Three.", clause_id=9)]
    assert match_clauses(old, new) == {0: 0, 1: 1}


def test_clauses_with_different_identities_are_not_matched_by_number():
    assert match_clauses([clause(1, "Old.", clause_id=1)], [clause(1, "New.", clause_id=2)]) == {}


def test_title_block_preamble_closing_and_participants_are_compared():
    old = document(clause(1, "We act.", clause_id=1), preamble=["We met."])
    new = document(
        clause(1, "We act.", clause_id=1),
        title="Tokyo Declaration on Climate",
        subtitle="Cities in Action",
        preamble=["We met in Tokyo."],
        closing_formula=["This declaration is hereby proposed by Tokyo, Japan, and Seoul."],
        signatories=[CountryGroup("Japan", ["Tokyo"]), CountryGroup("Korea, Republic of", ["Seoul"])],
    )
    parts = {part.section: part for part in redline(old, new)}
    assert parts[Section.title_block].paragraphs == [
        segments((E, "ANMC21 2010")),
        segments((E, "Tokyo Declaration"), (I, " on Climate")),
        segments((I, "Cities in Action")),
        segments((E, "November 9, 2010")),
    ]
    assert parts[Section.preamble].paragraphs == [segments((E, "We met"), (I, " in Tokyo"), (E, "."))]
    assert parts[Section.closing].paragraphs == [
        segments((E, "This declaration is hereby proposed by Tokyo, Japan"), (I, ", and Seoul"), (E, ".")),
    ]
    assert parts[Section.participants].paragraphs == [
        segments((E, "(Japan)")), segments((E, "Tokyo")), segments((I, "(Korea, Republic of)")), segments((I, "Seoul")),
    ]
    assert summary(tally(redline(old, new))) == (
        "6 insertions, no deletions in the title block, the preamble, the closing formula,"
        " and the list of participants."
    )


def test_parts_empty_in_both_versions_are_left_out():
    sections = [part.section for part in redline(document(signatories=[]), document(signatories=[]))]
    assert sections == [Section.title_block, Section.opening, Section.closing]
