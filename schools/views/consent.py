"""Online consent: the teacher sends a family a link; a parent or guardian opens it without an
account, reads what is stored, and agrees (with the pupil's own agreement). The link is signed,
names one pupil, and lasts 30 days."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core import signing
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .. import selectors, services
from ..models import Classroom, ConsentEvent, ConsentMethod

SALT = "schools.consent-online"
MAX_AGE_SECONDS = 30 * 24 * 60 * 60


def consent_link(request, *, pupil, classroom) -> str:
    token = signing.dumps(
        {"pupil": pupil.pk, "class": classroom.pk, "since": timezone.now().isoformat()}, salt=SALT, compress=True
    )
    return request.build_absolute_uri(reverse("schools:consent_online", args=[token]))


class OnlineConsentForm(forms.Form):
    guardian_consent = forms.BooleanField(
        label=_("I am the child's parent or guardian, and I agree."),
        error_messages={"required": _("Tick this box if you are the parent or guardian and agree.")},
    )
    # The child's own box, in the child's words (the page's part for the pupil speaks to the child).
    pupil_assent = forms.BooleanField(
        label=pgettext_lazy("a child says", "I have read the part for me, and I agree."),
        error_messages={
            "required": _(
                "This box is the child's: tick it together once the child agrees. "
                "The child's own agreement is needed as well."
            )
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def consent_online(request, token: str):
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.SignatureExpired:
        return render(request, "schools/consent_online.html", {"problem": "expired"}, status=410)
    except signing.BadSignature:
        return render(request, "schools/consent_online.html", {"problem": "invalid"}, status=404)
    classroom = Classroom.objects.filter(pk=data.get("class"), active=True).select_related("school").first()
    pupil = selectors.pupils_of(classroom).filter(pk=data.get("pupil")).first() if classroom else None
    if pupil is None:
        return render(request, "schools/consent_online.html", {"problem": "invalid"}, status=404)
    # A withdrawal after the link was made ends the link: the family asked to stop.
    since = data.get("since", "")
    if ConsentEvent.objects.filter(
        pupil=pupil, action=ConsentEvent.Action.WITHDRAWN, at__gte=since or "1970-01-01"
    ).exists():
        return render(request, "schools/consent_online.html", {"problem": "withdrawn"}, status=410)
    done = pupil.learning_data_consent
    if request.user.is_authenticated and not done:
        # Only the family gives consent online: a teacher who opens the link (to see what the
        # family sees) cannot agree in its name, nor can a pupil. A paper slip is the staff's way.
        context = {"pupil": pupil, "classroom": classroom, "signed_in_as": request.user}
        return render(request, "schools/consent_online.html", context, status=403 if request.method == "POST" else 200)
    form = OnlineConsentForm(request.POST or None)
    if request.method == "POST" and not done and form.is_valid():
        services.consent_record(
            pupil=pupil,
            pupil_assent=True,
            guardian_consent=True,
            method=ConsentMethod.ONLINE,
            given_on=timezone.localdate(),
            by=None,
        )
        done = True
    context = {"pupil": pupil, "classroom": classroom, "form": form, "done": done}
    context["talk_request_days"] = settings.TALK_REQUEST_DAYS
    context["audit_log_days"] = settings.AUDIT_LOG_DAYS
    return render(request, "schools/consent_online.html", context, status=400 if form.errors else 200)
