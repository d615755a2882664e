"""Forms of signing in and out."""

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, ValidationError
from wtforms.validators import DataRequired, Length

from drafting.models import limits
from drafting.web.text_fields import SingleLine


class LoginForm(FlaskForm):
    email = EmailField("E-mail address", validators=[SingleLine(), DataRequired(), Length(max=limits.EMAIL)])
    password = PasswordField("Password", validators=[SingleLine(), DataRequired(), Length(max=200)])
    next = HiddenField(validators=[SingleLine()])


class EmptyForm(FlaskForm):
    """A form without fields, so that button-only actions still carry a CSRF token."""


class ForgotPasswordForm(FlaskForm):
    email = EmailField("E-mail address", validators=[SingleLine(), DataRequired(), Length(max=limits.EMAIL)])


class NewPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[SingleLine(), DataRequired(), Length(max=200)])
    password_again = PasswordField("New password again", validators=[SingleLine(), DataRequired(), Length(max=200)])

    def validate_password_again(self, field) -> None:
        if field.data != self.password.data:
            raise ValidationError("The two passwords differ.")


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField("Current password", validators=[SingleLine(), DataRequired(), Length(max=200)])
