"""Forms of a focal point: inviting a person, giving a mandate, confirming a host's request."""

from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from drafting.models import UserRole, limits
from drafting.web.delegates.forms import strip
from drafting.web.text_fields import SingleLine

EVERY_DECLARATION = 0
NEW_PERSON = 0


class MemberInvitationForm(FlaskForm):
    email = EmailField(
        "E-mail address", filters=[strip],
        validators=[SingleLine(), DataRequired(message="Give the person's e-mail address."), Length(max=limits.EMAIL)],
    )
    role = SelectField(
        "Role", choices=[SelectChoice(UserRole.delegate.value, "Delegate"), SelectChoice(UserRole.drafter.value, "Drafter")],
        default=UserRole.delegate.value,
    )


class MandateForm(FlaskForm):
    # The domain refuses a declaration the organization is not invited to, saying why.
    declaration_id = SelectField("Acts for the organization on", coerce=int, validate_choice=False)

    def __init__(self, *args, declarations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.declaration_id.choices = [SelectChoice(EVERY_DECLARATION, "every declaration")] + [
            SelectChoice(d.id, d.title) for d in declarations
        ]


class ConfirmRequestForm(FlaskForm):
    delegate_id = SelectField("Delegate", coerce=int, validate_choice=False)
    email = EmailField(
        "or invite a person by e-mail", filters=[strip], validators=[SingleLine(), Optional(), Length(max=limits.EMAIL)],
    )

    def __init__(self, *args, delegates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.delegate_id.choices = [SelectChoice(NEW_PERSON, "a new person (by e-mail)")] + [
            SelectChoice(user.id, f"{user.name} ({user.email})") for user in delegates
        ]
