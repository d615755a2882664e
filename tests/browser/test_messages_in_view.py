"""Messages in a real browser: a save's confirmation and a refused form's error show where the page lands,
and the first field at fault has the focus."""

from playwright.sync_api import expect

from drafting.models import limits

DRAFTING = "Tokyo Declaration"
CONSULTATION = "Tokyo Declaration on Cities and Extreme Heat"


def expect_in_view(locator) -> None:
    """Wait until the element lies wholly within the window, as the reader sees it without scrolling.

    Scrolled to an element, the window may stop a fraction of a pixel past its edge: a pixel is the margin.
    """
    locator.page.wait_for_function(
        "element => { const box = element.getBoundingClientRect();"
        " return box.height > 0 && box.top > -1 && box.bottom < window.innerHeight + 1; }",
        arg=locator.element_handle(),
    )


def scrolled_down(page) -> bool:
    return page.evaluate("window.scrollY") > 0


def open_declaration(page, sign_in, email, password, title):
    sign_in(page, email, password)
    page.get_by_role("link", name=title, exact=True).first.click()
    expect(page.get_by_role("heading", level=1).first).to_contain_text(title)


def test_the_confirmation_of_a_save_far_down_the_editor_is_in_view(live_server, page, sign_in):
    drafter = live_server.login_for("drafter")
    open_declaration(page, sign_in, drafter.email, drafter.password, DRAFTING)
    last = page.locator("article.clause").last
    number = last.locator(".number").inner_text().rstrip(".")
    last.get_by_role("link", name="Edit").click()
    page.get_by_role("button", name="Save the clause").click()

    saved = page.get_by_text(f"Clause {number} is saved.")
    expect(saved).to_have_attribute("role", "status")
    expect(page.locator("article.clause").last.get_by_role("status")).to_have_text(f"Clause {number} is saved.")
    expect_in_view(saved)
    assert scrolled_down(page)  # the page landed on the clause, not at its top

    page.get_by_role("button", name="Save the closing formula").click()
    saved = page.get_by_text("The closing formula is saved.")
    expect(saved).to_have_attribute("role", "status")
    expect_in_view(saved)
    assert scrolled_down(page)


def test_an_empty_closing_formula_is_refused_at_its_field_with_the_focus(live_server, page, sign_in):
    drafter = live_server.login_for("drafter")
    open_declaration(page, sign_in, drafter.email, drafter.password, DRAFTING)
    closing = page.get_by_label("Closing formula", exact=True)
    before = closing.input_value()
    closing.fill("")
    page.get_by_role("button", name="Save the closing formula").click()

    refused = page.get_by_label("Closing formula", exact=True)
    expect(refused).to_be_focused()
    expect(refused).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#closing_formula-errors")).to_contain_text("The closing formula cannot be empty")
    expect_in_view(page.locator("#closing_formula-errors"))

    page.get_by_role("button", name="Go back to the default closing formula").click()
    expect(page.get_by_text("The closing formula is saved.")).to_be_visible()
    expect(page.get_by_label("Closing formula", exact=True)).to_have_value(before)


def test_a_refused_comment_or_amendment_comes_back_in_view_with_the_focus_on_its_field(live_server, page, sign_in):
    delegate = live_server.login_for("delegate")
    open_declaration(page, sign_in, delegate.email, delegate.password, CONSULTATION)
    clause = page.locator(".clause-comments details.comment-form summary").last.inner_text().rsplit(" ", 1)[1]

    commenting = page.locator("details", has_text=f"Comment on clause {clause}")
    commenting.get_by_text(f"Comment on clause {clause}").click()
    commenting.get_by_role("button", name="Send the comment").click()
    field = page.get_by_label(f"Comment of Seoul on clause {clause}")
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-invalid", "true")
    error = page.get_by_role("alert").filter(has_text="Write the comment.")
    expect_in_view(error)
    expect_in_view(field)
    assert scrolled_down(page)

    amending = page.locator("details", has_text=f"Propose an amendment to clause {clause}")
    amending.get_by_text(f"Propose an amendment to clause {clause}").click()
    amending.get_by_label(f"Proposed text of clause {clause}").fill("x" * (limits.CLAUSE_BODY + 1))
    amending.get_by_label("Comment to the host").fill("Longer is better.")
    amending.get_by_role("button", name="Propose the amendment").click()
    field = page.get_by_label(f"Proposed text of clause {clause}")
    expect(field).to_be_focused()
    error = page.get_by_role("alert").filter(has_text="at most 20,000 are allowed")
    expect_in_view(error)
    expect(page.locator(f"#why-{clause}")).to_have_value("Longer is better.")


def test_a_rejection_without_a_reason_shows_its_error_next_to_the_amendment_with_the_focus(live_server, page, sign_in):
    drafter = live_server.login_for("drafter")
    open_declaration(page, sign_in, drafter.email, drafter.password, CONSULTATION)
    page.get_by_role("link", name="Comments and amendments").click()
    amendment = page.locator("div.thread", has_text="Bangkok proposes to name a concrete measure")
    amendment.get_by_text("Decide on this amendment").click()
    amendment.get_by_label("Reject").check()
    amendment.get_by_role("button", name="Record the decision").click()

    amendment = page.locator("div.thread", has_text="Bangkok proposes to name a concrete measure")
    reason = amendment.get_by_label("Reason")
    expect(reason).to_be_focused()
    expect(reason).to_have_attribute("aria-invalid", "true")
    error = amendment.get_by_text("Give the reason for rejecting the amendment.")
    expect_in_view(error)
    expect_in_view(reason)
    expect(amendment.get_by_text("Rejected", exact=True)).to_have_count(0)  # nothing was decided
