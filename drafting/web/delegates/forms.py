"""Forms of asking an organization for a delegate and of accepting an account invitation."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from drafting.domain.people.accounts import AccountError, check_password_rules
from drafting.models import limits
from drafting.web.text_fields import SingleLine


def strip(value):
    return value.strip() if isinstance(value, str) else value


class DelegateRequestForm(FlaskForm):
    # The domain, not the choice list, refuses an organization that is not invited, with a message
    # that says why (the host, say) instead of "Not a valid choice".
    organization_id = SelectField("Organization", coerce=int, validate_choice=False)
    email = EmailField(
        "Propose an e-mail address (optional)", filters=[strip],
        validators=[SingleLine(), Optional(), Length(max=limits.EMAIL)],
    )

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organization_id.choices = [SelectChoice(o.id, o.name) for o in organizations]


class AcceptInvitationForm(FlaskForm):
    name = StringField(
        "Your name", filters=[strip],
        validators=[SingleLine(), DataRequired(message="Give your name."), Length(max=limits.NAME)],
    )
    password = PasswordField("Password", validators=[SingleLine(), DataRequired(message="Choose a password.")])
    password_again = PasswordField(
        "Password again", validators=[SingleLine(), DataRequired(message="Type the password again.")]
    )

    def validate_password(self, field) -> None:
        try:
            check_password_rules(field.data)
        except AccountError as error:
            raise ValidationError(str(error)) from None

    def validate_password_again(self, field) -> None:
        if field.data != self.password.data:
            raise ValidationError("The two passwords differ.")
