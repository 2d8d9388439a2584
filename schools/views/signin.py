"""Pupils sign in without an e-mail: class code, then their name, then their pictures or PIN.
Works without JavaScript; the picture grid script only makes tapping quicker.

This is not allauth's login, so allauth's per-IP limits (meant for adults' passwords) do not
throttle a whole class behind one school IP. What protects pupils instead: the lockout per
pupil after a few wrong tries (accounts.credentials), and a limit on wrong class codes per IP.
"""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib.auth import login
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts import credentials
from accounts.models import CredentialKind

from .. import selectors
from ..forms import ClassCodeForm, PictureSecretForm, PinSecretForm
from ..models import Classroom

SESSION_KEY = "schools.signin_classroom"
CODE_WINDOW_SECONDS = 10 * 60


def _ip_key(request) -> str:
    try:
        ip = get_adapter().get_client_ip(request)
    except Exception:  # no address at all: count them together
        ip = "unknown"
    return f"schools:wrong-class-code:{ip}"


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
        # The right code always works; only unknown codes count against this IP address.
        classroom = Classroom.objects.filter(class_code=form.cleaned_data["code"], active=True).first()
        if classroom:
            request.session[SESSION_KEY] = classroom.pk
            return redirect("schools:signin_names")
        key = _ip_key(request)
        if cache.get(key, 0) >= settings.CLASS_CODE_MAX_FAILURES_PER_IP:
            error = _("Too many wrong class codes were typed here. Wait ten minutes, or ask your teacher.")
            return render(request, "schools/signin_code.html", {"form": ClassCodeForm(), "error": error}, status=429)
        if not cache.add(key, 1, CODE_WINDOW_SECONDS):
            try:
                cache.incr(key)
            except ValueError:  # expired between the two calls
                cache.set(key, 1, CODE_WINDOW_SECONDS)
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
    elif request.method == "POST":
        status = 400
        if form.is_valid():
            result = credentials.check(credential=credential, answer=form.answer())
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
