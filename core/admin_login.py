"""The admin login form, bounded before anything is recorded.

Django's login form sets the username field's max_length after construction, which changes the
widget but adds no validator, so a 300-character username reached authenticate() and django-axes
failed writing it to its 255-character lockout table (a DataError, so a 500).
"""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.validators import MaxLengthValidator

# Longer than any password manager generates, short enough that hashing it stays cheap.
MAX_PASSWORD_LENGTH = 4096


class BoundedAdminLoginForm(AdminAuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))
        self.fields["password"].validators.append(MaxLengthValidator(MAX_PASSWORD_LENGTH))
