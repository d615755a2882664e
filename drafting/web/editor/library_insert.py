"""The editor: inserting a clause from a template of the library, its placeholders filled in."""

from flask import render_template, request, url_for
from flask_login import login_required

from drafting.domain import clause_library, draft_editing, permissions
from drafting.domain.text import placeholders
from drafting.extensions import db
from drafting.models import ClauseTemplate, TemplateCategory
from drafting.web.editor.blueprint import bp, load_declaration, refused
from drafting.web.editor.forms import placeholder_form
from drafting.web.notices import redirect_to_section
from drafting.web.submitted_once import once


@bp.get("/<int:declaration_id>/insert")
@login_required
def choose_template(declaration_id: int):
    """List the library's templates to insert one into the declaration."""
    declaration = load_declaration(declaration_id, permissions.can_edit)
    category = request.args.get("category", "")
    language = request.args.get("language", declaration.language)
    words = request.args.get("q", "")
    templates = clause_library.search_templates(
        words, TemplateCategory[category] if category in TemplateCategory.__members__ else None, language
    )
    return render_template(
        "editor/choose_template.html", declaration=declaration, templates=templates,
        categories=list(TemplateCategory), category=category, language=language, words=words,
    )


@bp.route("/<int:declaration_id>/insert/<int:template_id>", methods=["GET", "POST"])
@login_required
@once(back=lambda declaration_id, template_id: url_for("editor.show", declaration_id=declaration_id))
def insert_template(declaration_id: int, template_id: int):
    """Fill a template's placeholders and append it as a clause."""
    declaration = load_declaration(declaration_id, permissions.can_edit)
    template = db.get_or_404(ClauseTemplate, template_id)
    if template.retired_at is not None:
        return refused(f"“{template.name}” is retired from the library: restore it there to insert it.", declaration)
    try:
        found = placeholders.parse(template.heading or "", template.body)
    except placeholders.TemplateSyntaxError as error:
        return refused(f"The template “{template.name}” cannot be used: {error}", declaration)
    form = placeholder_form(found, placeholders.known_values(declaration))
    if form.validate_on_submit():
        try:
            clause = draft_editing.insert_template(declaration, template, form.raw_values())
        except draft_editing.UnfilledPlaceholders as unfilled:
            for name, message in unfilled.errors.items():
                form.field_of(name).errors = [message]
        except draft_editing.CompositionError as error:
            return refused(str(error), declaration)
        else:
            db.session.commit()
            return redirect_to_section(f"“{template.name}” is inserted as clause {clause.position}.",
                                       f"clause-{clause.id}", "editor.show", declaration_id=declaration.id)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "editor/insert_template.html", declaration=declaration, template=template, form=form, found=found
    ), status
