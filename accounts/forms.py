from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SIGNUP_ROLES, Role
from .names import NameField


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form: who the adult is and the name they go by.

    allauth builds its own sign-up form on top of this one (ACCOUNT_FORMS) and calls `signup`.
    """

    display_name = NameField(
        label=_("Your name"),
        max_length=100,
        help_text=_("As it should appear on the site and on your certificates."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    role = forms.ChoiceField(
        label=_("I am a"),
        choices=[(role.value, role.label) for role in SIGNUP_ROLES],
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose teacher, social worker or parent / caregiver.")},
    )

    field_order = ["display_name", "role", "email", "password1", "password2"]

    def signup(self, request, user):
        user.display_name = self.cleaned_data["display_name"].strip()
        user.role = Role(self.cleaned_data["role"])
        user.save(update_fields=["display_name", "role"])
