"""A redline shows the clause markup as the document does: lists as lists, emphasis as emphasis."""

from drafting.domain.text.redline import Change, compare_words
from drafting.domain.text.redline_markup import Run, blocks


def shown(old: str, new: str) -> list:
    """Return the blocks as plain data: ("p", runs) or ("ul", [runs, ...]), runs as (change, text, emphasised)."""
    def plain(runs):
        return [(run.change.value, run.text, run.emphasised) for run in runs]
    return [("ul", [plain(item) for item in block.items]) if block.items else ("p", plain(block.runs))
            for block in blocks(compare_words(old, new))]


def test_unchanged_list_items_show_without_their_dashes():
    text = "We will:\n- share our plans;\n- train together."
    assert shown(text, text) == [
        ("p", [("equal", "We will:", False)]),
        ("ul", [[("equal", "share our plans;", False)], [("equal", "train together.", False)]]),
    ]


def test_an_inserted_list_item_is_an_inserted_item():
    old = "We will:\n- share our plans."
    new = "We will:\n- share our plans;\n- train together."
    (_, _), (kind, items) = shown(old, new)
    assert kind == "ul" and len(items) == 2
    assert items[1] == [("insert", "train together", False), ("equal", ".", False)]
    assert "-" not in "".join(text for item in items for _, text, _ in item)


def test_emphasis_shows_as_emphasis_without_asterisks():
    text = "*Every* member city takes part."
    assert shown(text, text) == [("p", [("equal", "Every", True), ("equal", " member city takes part.", False)])]


def test_an_emphasised_word_that_is_replaced_keeps_its_emphasis_on_both_sides():
    [(kind, runs)] = shown("*Every* city takes part.", "*Each* city takes part.")
    assert kind == "p"
    assert ("delete", "Every", True) in runs and ("insert", "Each", True) in runs
    assert "*" not in "".join(text for _, text, _ in runs)


def test_a_lone_asterisk_is_text_not_markup():
    [(_, runs)] = shown("Costs rose 5 * 3 times.", "Costs rose 5 * 4 times.")
    assert "*" in "".join(text for change, text, _ in runs if change != "delete")


def test_lines_of_a_paragraph_join_with_a_space_as_in_the_document():
    [(kind, runs)] = shown("One line\nand the next.", "One line\nand the next.")
    assert kind == "p" and "".join(text for _, text, _ in runs) == "One line and the next."


def test_the_shown_words_are_those_of_each_version():
    old = "We will:\n- share *all* our plans;\n- meet yearly."
    new = "We will:\n- share our *best* plans;\n- meet twice a year."
    all_runs = [run for block in blocks(compare_words(old, new)) for item in (block.items or [block.runs]) for run in item]
    def letters(text):
        return "".join(text.split())
    older = "".join(run.text for run in all_runs if run.change is not Change.insert)
    newer = "".join(run.text for run in all_runs if run.change is not Change.delete)
    assert letters(older) == letters("We will: share all our plans; meet yearly.")
    assert letters(newer) == letters("We will: share our best plans; meet twice a year.")
    assert Run(Change.insert, "best", True) in all_runs
