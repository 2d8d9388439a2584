from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Adults sign up and log in through allauth; pupils never do (they have no e-mail and no
    usable password, and sign in through their class)."""

    def is_open_for_signup(self, request):
        return True

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        # The e-mail is the login; keep it in one case so uniqueness holds.
        user.email = (user.email or "").strip().lower()
        if commit:
            user.save()
        return user
