"""The clause-template library: browse and search it; administrators and drafters add and edit templates."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from drafting.domain import clause_library, permissions
from drafting.domain.clock import utcnow
from drafting.domain.locking import EditConflict
from drafting.domain.text import placeholders
from drafting.extensions import db
from drafting.models import ClauseTemplate
from drafting.web.auth.forms import EmptyForm
from drafting.web.submitted_once import once
from drafting.web.library.forms import EditTemplateForm, LibrarySearchForm, TemplateForm

bp = Blueprint("library", __name__, url_prefix="/library")


def _require_manager() -> None:
    if not permissions.can_manage_library(current_user):
        abort(403)


def _render_form(form, template: ClauseTemplate | None, status: int, conflict: ClauseTemplate | None = None):
    return render_template(
        "library/form.html", form=form, template=template, conflict=conflict,
        known_placeholders=placeholders.KNOWN_PLACEHOLDERS, types=placeholders.TYPES,
    ), status


@bp.get("/")
@login_required
def index():
    """List the templates, filtered by category, language and words."""
    form = LibrarySearchForm(request.args, languages=clause_library.languages_in_use())
    valid = form.validate()
    templates = clause_library.search_templates(**form.filters()) if valid else []
    return render_template(
        "library/index.html",
        form=form,
        listings=[(template, *clause_library.read_placeholders(template)) for template in templates],
        filtered=any(request.args.get(name) for name in ("words", "category", "language", "retired")),
        language_name=clause_library.language_name,
    ), 200 if valid else 422


@bp.get("/<int:template_id>")
@login_required
def show(template_id: int):
    """Show a template: its heading, its text and its placeholders."""
    template = db.get_or_404(ClauseTemplate, template_id)
    found, problem = clause_library.read_placeholders(template)
    return render_template(
        "library/show.html", template=template, found=found, problem=problem,
        language_name=clause_library.language_name(template.language), types=placeholders.TYPES,
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
@once(back=lambda: url_for("library.index"))
def new():
    """Add a template to the library."""
    _require_manager()
    form = TemplateForm()
    if form.validate_on_submit():
        try:
            template = clause_library.create_template(current_user, **form.template_fields())
        except clause_library.TemplateError as error:
            form[error.field].errors.append(str(error))
        else:
            db.session.commit()
            flash(f"“{template.name}” is added to the library.")
            return redirect(url_for("library.show", template_id=template.id))
    return _render_form(form, None, 422 if request.method == "POST" else 200)


@bp.route("/<int:template_id>/edit", methods=["GET", "POST"])
@login_required
def edit(template_id: int):
    """Edit a template; a save based on an older version is refused and shows the newer one."""
    _require_manager()
    template = db.get_or_404(ClauseTemplate, template_id)
    if request.method == "GET":
        return _render_form(EditTemplateForm.showing(template), template, 200)
    form = EditTemplateForm()
    if form.validate_on_submit():
        try:
            clause_library.update_template(template, int(form.lock_version.data), **form.template_fields())
        except clause_library.TemplateError as error:
            form[error.field].errors.append(str(error))
        except EditConflict as edit_conflict:
            # The next save is based on what the user has now seen, so it may replace it.
            form.lock_version.data = str(edit_conflict.current.lock_version)
            return _render_form(form, template, 409, conflict=edit_conflict.current)
        else:
            db.session.commit()
            flash(f"“{template.name}” is saved.")
            return redirect(url_for("library.show", template_id=template.id))
    return _render_form(form, template, 422)


@bp.post("/<int:template_id>/retire")
@login_required
def retire(template_id: int):
    """Take a template out of what the library offers."""
    return _change_retirement(
        template_id,
        lambda template: clause_library.retire_template(template, current_user, utcnow()),
        "“{name}” is retired: it is no longer offered in the editor.",
    )


@bp.post("/<int:template_id>/restore")
@login_required
def restore(template_id: int):
    """Offer a retired template again."""
    return _change_retirement(template_id, clause_library.restore_template, "“{name}” is back in the library.")


def _change_retirement(template_id: int, change, done: str):
    _require_manager()
    template = db.get_or_404(ClauseTemplate, template_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        change(template)
    except clause_library.TemplateError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(done.format(name=template.name))
    return redirect(url_for("library.show", template_id=template.id))
