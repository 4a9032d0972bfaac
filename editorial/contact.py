"""The contact form: stored for editors in admin, rate-limited, with a honeypot for bots."""

from django import forms

from core.ratelimit import client_ip, hit
from editorial.models import ContactMessage

CONTACT_LIMIT = 5  # messages per address and per hour
CONTACT_WINDOW_SECONDS = 3600


class ContactForm(forms.ModelForm):
    website = forms.CharField(required=False, label="Leave this empty")

    class Meta:
        model = ContactMessage
        fields = ["name", "email", "subject", "message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 6})}

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if len(message) < 10:
            raise forms.ValidationError("Please write at least a sentence so we can help.")
        if len(message) > 5000:
            raise forms.ValidationError("Please keep messages under 5,000 characters.")
        return message

    @property
    def is_bot(self):
        return bool(self.data.get("website"))


def within_rate_limit(request, email):
    """Both the client address and the email must be under the hourly limit. Fails closed:
    with the counter unreachable RateLimitUnavailable propagates, and FormPausedMiddleware
    answers that the form is paused."""
    return hit("contact-ip", client_ip(request), CONTACT_LIMIT, CONTACT_WINDOW_SECONDS) and hit(
        "contact-email", email.lower(), CONTACT_LIMIT, CONTACT_WINDOW_SECONDS
    )
