"""“Em muốn nói chuyện / I want to talk”: a pupil asks a teacher of their class, or the school's
counsellor, to talk; the adult sees a notice (schools.templatetags.talk_tags), reads the response
guide and says what was done. Only the pupil, the adult asked and the school's leaders see a
request (404 for anyone else). Works without JavaScript, and without the pupil's consent: it is a
safeguarding channel, not learning data (docs/security.md)."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from courses.cache import site_entries

from .. import selectors, services
from ..forms import TalkForm
from ..models import TALK_WAITING_DAYS, MembershipRole, TalkStatus
from ..services import SchoolError, TalkAlreadySent, TalkTooMany
from .staff import staff_required


def _helpline(request):
    # The helpline setting belongs to the site shell, which registers it as a site-wide entry.
    return site_entries(request)["helpline"]


@require_http_methods(["GET", "POST"])
def talk(request):
    """The pupil's page: whom to ask, what about (optional), how soon; their requests' status; and,
    always, the helpline and the police."""
    if not request.user.is_authenticated:
        return redirect("schools:signin")
    if not request.user.is_pupil:
        raise PermissionDenied
    pupil = request.user
    services.talk_requests_purge()
    classroom = selectors.classroom_of_pupil(pupil)
    adults = selectors.talk_adults_for(classroom=classroom) if classroom else []
    form = TalkForm(request.POST or None, adults=adults)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sent = services.talk_request_create(
                pupil=pupil, adult_id=data["adult"], about=data["about"], urgent=data["urgent"]
            )
        except TalkAlreadySent as already:
            messages.info(
                request,
                _("You already asked %(name)s. They will see it. If you need help now, call %(number)s.")
                % {"name": already.talk_request.adult.get_display_name(), "number": _helpline(request).phone_number},
            )
            return redirect("schools:talk")
        except SchoolError as error:
            form.add_error(None, str(error))
            status = 429 if isinstance(error, TalkTooMany) else 400
        else:
            messages.success(
                request,
                _("Your message is sent to %(name)s, who will find a time to talk with you.")
                % {"name": sent.adult.get_display_name()},
            )
            return redirect("schools:talk")
    elif form.errors:
        status = 400
    context = {
        "form": form,
        "adults": adults,
        "sent": selectors.talk_requests_of_pupil(pupil=pupil),
        "helpline": _helpline(request),
    }
    return render(request, "schools/talk/talk.html", context, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def talk_request(request, request_id: int):
    """The request and the response guide, for the adult asked and the school's leaders."""
    services.talk_requests_purge()
    talk_request = selectors.talk_request_for_staff(user=request.user, request_id=request_id)
    if request.method == "POST":
        try:
            status = request.POST.get("status", "")
            services.talk_request_mark(talk_request=talk_request, status=status, by=request.user)
        except SchoolError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Marked “%(status)s”. This request is deleted from the site on %(date)s, whatever is marked later.")
                % {
                    "status": talk_request.get_status_display(),
                    "date": date_format(services.talk_request_delete_on(talk_request), "SHORT_DATE_FORMAT"),
                },
            )
        return redirect("schools:talk_request", request_id=talk_request.pk)
    services.talk_request_seen(talk_request=talk_request, by=request.user)
    leads = selectors.school_for_staff(user=request.user, school_id=talk_request.school_id)[1].role == (
        MembershipRole.LEADER
    )
    context = {
        "talk_request": talk_request,
        "for_me": talk_request.adult_id == request.user.pk,
        "is_leader": leads,
        # Once handled, only a change to another status is offered (it keeps the date of deletion).
        "statuses": [
            status
            for status in (TalkStatus.TALKED, TalkStatus.REFERRED, TalkStatus.CLOSED)
            if status != talk_request.status
        ],
        "delete_on": services.talk_request_delete_on(talk_request),
        "kept_days": settings.TALK_REQUEST_DAYS,
        "helpline": _helpline(request),
    }
    return render(request, "schools/talk/request.html", context)


@staff_required
def school_talk_requests(request, school_id: int):
    """Every request of the school, for its leaders: who asked whom, when, and what was done."""
    school = selectors.school_for_leader(user=request.user, school_id=school_id)
    services.talk_requests_purge()
    context = {
        "school": school,
        "requests": selectors.school_talk_requests(school=school),
        "waiting_days": TALK_WAITING_DAYS,
        "kept_days": settings.TALK_REQUEST_DAYS,
    }
    return render(request, "schools/talk/school_requests.html", context)


@staff_required
@require_POST
def school_counsellor(request, school_id: int):
    """A leader names the school's counsellor (or nobody), from the school's staff."""
    school = selectors.school_for_leader(user=request.user, school_id=school_id)
    chosen = request.POST.get("counsellor", "").strip()
    if chosen and not re.fullmatch(r"[0-9]{1,18}", chosen):
        messages.error(request, _("Choose a member of staff from the list, or “Nobody”, then save again."))
        return redirect("schools:school_detail", school_id=school.pk)
    try:
        counsellor = services.school_set_counsellor(
            school=school, counsellor_id=int(chosen) if chosen else None, by=request.user
        )
    except SchoolError as error:
        messages.error(request, str(error))
    else:
        if counsellor is None:
            messages.success(
                request, _("The school has no counsellor now: pupils choose among their class's teachers.")
            )
        else:
            messages.success(
                request,
                _("%(name)s is the school's counsellor: pupils can now choose them when they ask to talk.")
                % {"name": counsellor.get_display_name()},
            )
    return redirect("schools:school_detail", school_id=school.pk)
