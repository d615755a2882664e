"""The yardstick of bench/answers.py: the smallest Flask application that takes a signed-in form answer.

It does what every answer request of the real application does before its own work, and nothing
else: a signed session cookie, Flask-Login's user, Flask-WTF's CSRF check on a form, a flash
message and a 302 back to the form's page. No database: its users live in memory, its answers
are not kept. Served by gunicorn with the repository's settings, 200 of its answers at once show
the least that 200 answers can cost on this machine.
"""

from flask import Flask, flash, redirect, render_template_string, request, url_for
from flask_login import LoginManager, UserMixin, login_required, login_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField

app = Flask(__name__)
app.config.update(SECRET_KEY="bench-only", WTF_CSRF_TIME_LIMIT=None)  # nosec B105
login_manager = LoginManager(app)


class Person(UserMixin):
    def __init__(self, email: str):
        self.id = email


@login_manager.user_loader
def load_person(email: str) -> Person:
    return Person(email)


class AnswerForm(FlaskForm):
    answer = RadioField(choices=[("affirmed", "Affirm"), ("declined", "Decline")])
    authorised = BooleanField()


PAGE = '<form method="post">{{ form.csrf_token }}</form>{% for m in get_flashed_messages() %}{{ m }}{% endfor %}'


@app.get("/healthz")
def healthz() -> str:
    """Answer that the server is up, as the bench waits for it to be."""
    return "ok"


@app.route("/login", methods=["GET", "POST"])
def login():
    """Sign in whoever gives an e-mail address."""
    form = FlaskForm()
    if request.method == "POST" and form.validate_on_submit():
        login_user(Person(request.form["email"]))
        return redirect("/")
    return render_template_string(PAGE, form=form)


@app.get("/")
@login_required
def home():
    """A page with the form's CSRF token, as the signed-in client reads it before answering."""
    return render_template_string(PAGE, form=FlaskForm())


@app.route("/declarations/<int:declaration_id>/affirmation", methods=["GET", "POST"])
@login_required
def answer(declaration_id: int):
    """Take an answer: check its CSRF token and fields, flash, and send the client back to the form."""
    form = AnswerForm()
    if form.validate_on_submit() and form.authorised.data:
        flash(f"The answer is recorded: {form.answer.data}.")
        return redirect(url_for("answer", declaration_id=declaration_id))
    return render_template_string(PAGE, form=form), 422
