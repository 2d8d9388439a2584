from django import forms
from django.utils.translation import gettext_lazy as _

from .models import normalise_code


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Certificate code"),
        max_length=40,
        help_text=_("12 letters and digits, printed under the QR code, e.g. 7KQ2-M9XD-4TQH."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError(
                _("A certificate code has 12 letters and digits, like 7KQ2-M9XD-4TQH. Check it and try again.")
            )
        return code


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to the holder and kept here; the public page says only that it was revoked, and when."),
    )
