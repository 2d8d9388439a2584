"""Pupils sign in without an e-mail: class code, then their name, then their pictures or PIN.
Works without JavaScript; the picture grid script only makes tapping quicker.

This is not allauth's login, so allauth's per-IP limits (meant for adults' passwords) do not
throttle a whole class behind one school IP. What protects pupils instead: eight-character class
codes with limits per network address that answer right and wrong codes alike once reached, a
limit on wrong secrets per class, and the lockout per pupil (schools.signin_limits,
accounts.credentials).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts import credentials
from accounts.models import CredentialKind

from .. import selectors, signin_limits
from ..forms import ClassCodeForm, PictureSecretForm, PinSecretForm
from ..models import Classroom

SESSION_KEY = "schools.signin_classroom"


def _session_classroom(request) -> Classroom | None:
    classroom_id = request.session.get(SESSION_KEY)
    if not classroom_id:
        return None
    return Classroom.objects.filter(pk=classroom_id, active=True).select_related("school").first()


@never_cache
@require_http_methods(["GET", "POST"])
def class_code(request):
    form = ClassCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if not signin_limits.code_try_allowed(request):
            # The same answer to a right code as to a wrong one: the limit is no oracle.
            error = _(
                "Too many wrong class codes were typed on this network. Wait a while, or ask your teacher "
                "to open the class's pupils page, which lets this network try again."
            )
            return render(request, "schools/signin_code.html", {"form": ClassCodeForm(), "error": error}, status=429)
        classroom = Classroom.objects.filter(class_code=form.cleaned_data["code"], active=True).first()
        if classroom:
            signin_limits.code_was_right(request)
            request.session[SESSION_KEY] = classroom.pk
            return redirect("schools:signin_names")
        form.add_error("code", _("No class has this code. Look at your card, or ask your teacher."))
    if form.errors:
        status = 400
    return render(request, "schools/signin_code.html", {"form": form}, status=status)


@never_cache
def choose_name(request):
    classroom = _session_classroom(request)
    if classroom is None:
        return redirect("schools:signin")
    pupils = selectors.sorted_pupils(selectors.pupils_of(classroom))
    return render(request, "schools/signin_names.html", {"classroom": classroom, "pupils": pupils})


@never_cache
@require_http_methods(["GET", "POST"])
def enter_secret(request, pupil_id: int):
    classroom = _session_classroom(request)
    if classroom is None:
        return redirect("schools:signin")
    pupil = selectors.pupils_of(classroom).filter(pk=pupil_id).first()
    credential = getattr(pupil, "pupil_credential", None) if pupil else None
    if credential is None:
        raise Http404
    form_class = PinSecretForm if credential.kind == CredentialKind.PIN else PictureSecretForm
    form = form_class(request.POST or None)
    status, error = 200, ""
    if credential.is_locked:
        status = 423
    elif request.method == "POST" and signin_limits.class_paused(classroom):
        # Right or wrong, the same answer until the teacher unlocks the class: no oracle.
        status = 429
        error = _("This class has had too many wrong tries. Ask your teacher to tap “Unlock them all”.")
    elif request.method == "POST":
        status = 400
        if form.is_valid():
            result = credentials.check(credential=credential, answer=form.answer())
            if not result.ok:
                signin_limits.wrong_secret(classroom)
            if result.ok:
                login(request, pupil, backend="django.contrib.auth.backends.ModelBackend")
                # Phones are shared: a pupil's session ends after a school morning, or sooner on "Log out".
                request.session.set_expiry(settings.PUPIL_SESSION_SECONDS)
                return redirect("schools:my_modules")
            if result.locked:
                status = 423
            else:
                form = form_class()
                error = (
                    _("That is not right. Try again: you have %(count)s more tries.") % {"count": result.tries_left}
                    if result.tries_left != 1
                    else _("That is not right. Try again carefully: you have one more try.")
                )
    context = {
        "classroom": classroom,
        "pupil": pupil,
        "form": form,
        "error": error,
        "locked": status == 423,
        "pictures": credentials.PICTURES,
        "kind": credential.kind,
    }
    return render(request, "schools/signin_secret.html", context, status=status)


@never_cache
def my_modules(request):
    """A pupil's home: the modules their teacher assigned, with due dates and progress."""
    if not request.user.is_authenticated:
        return redirect("schools:signin")
    if not request.user.is_pupil:
        return redirect("schools:staff_home")
    class_name, modules = selectors.pupil_class_and_modules(pupil=request.user, request=request)
    return render(request, "schools/my_modules.html", {"modules": modules, "class_name": class_name})
