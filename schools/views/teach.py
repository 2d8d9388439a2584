"""Teaching an assigned module to the whole class (issue 18, item 1): a start page, the projector's
view (one slide at a time, in large type), the presenter's view (notes, counters, what comes
next) kept in step through the position kept on the server, a small JSON state the screens poll,
and the end: the roster of pupils present. Every page works without JavaScript (forms that post);
`schools/js/teach.js` adds the keys, the clock, the counters and the polling."""

from __future__ import annotations

import re

import segno
from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from wagtail.images import get_image_model

from courses.cache import site_entries

from .. import selectors, services
from ..services import SchoolError
from ..teaching import MAX_COUNT, Slide, left_out, localised, module_slides, restricted, shown
from .staff import staff_required

NOT_RECORDED = gettext_lazy("This lesson was started again or left unfinished; it was not recorded.")

VIEWS = {"screen": "schools:teach_screen", "presenter": "schools:teach_presenter"}


class TaughtForm(forms.Form):
    pupils = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Pupils present"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Untick the pupils who were away."),
    )
    others = forms.IntegerField(
        label=gettext_lazy("Other pupils present, not on the list"),
        min_value=0,
        max_value=MAX_COUNT,
        initial=0,
        required=False,
    )
    taught_on = forms.DateField(label=gettext_lazy("Taught on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, pupils, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupils"].queryset = pupils
        self.fields["pupils"].label_from_instance = lambda user: user.get_display_name()
        self.fields["pupils"].error_messages["invalid_choice"] = _(
            "Some of these pupils are not in the class any more: reload the page and tick again."
        )

    def clean_taught_on(self):
        taught_on = self.cleaned_data["taught_on"]
        if taught_on > timezone.localdate():
            raise forms.ValidationError(_("That date is still to come: give the day the module was taught."))
        return taught_on


def _session(request, classroom_id: int, session_id: int):
    return selectors.teaching_session_for_staff(user=request.user, classroom_id=classroom_id, session_id=session_id)


def _slides(session) -> list[Slide]:
    return module_slides(session.course, draw_key=f"teach-{session.pk}", language=session.language)


def _counts(session, slide: Slide) -> dict:
    source = session.quiz_counts if slide.kind == "question" else session.votes
    return source.get(slide.key, {})


def _show(session, slide: Slide) -> Slide:
    return shown(slide, counts=_counts(session, slide), revealed=slide.key in session.revealed)


def _state(session) -> dict:
    return {"version": session.version, "position": session.position, "ended": session.ended_at is not None}


def _etag(session) -> str:
    return f'"teach-{session.pk}-{session.version}"'


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _whole_number(raw: str | None) -> int | None:
    """A number of at most six ASCII digits, or None (str.isdigit also takes "²", which int refuses)."""
    raw = (raw or "").strip()
    return int(raw) if re.fullmatch(r"[0-9]{1,6}", raw) else None


def _unavailable(session, module) -> str:
    """Why the session's slides cannot be shown now, or "" (they can)."""
    if not module.live:
        return _(
            "This module has been unpublished on the site, so its slides cannot be shown. "
            "Ask the site's editors to publish it again, or end the lesson."
        )
    if not session.classroom.active:
        return _("This class is archived: make it active again before teaching it.")
    if not selectors.teaching_module_assigned(session=session):
        return _("This module is no longer assigned to the class: assign it again from the class's page to teach it.")
    return ""


def _context(request, session, slides: list[Slide]) -> dict:
    position = min(session.position, len(slides) - 1)
    slide = slides[position]
    module = localised(session.course, session.language)
    return {
        "session": session,
        "classroom": session.classroom,
        "course": module,
        "unavailable": _unavailable(session, module),
        "slides": slides,
        "slide": _show(session, slide),
        # A quiz question's picture: the image itself, for its rendition.
        "picture": get_image_model().objects.filter(pk=slide.picture_id).first() if slide.picture_id else None,
        "position": position,
        "number": position + 1,
        "total": len(slides),
        "next_slide": slides[position + 1] if position + 1 < len(slides) else None,
        "ended": session.ended_at is not None,
        "state_url": reverse("schools:teach_state", args=[session.classroom_id, session.pk]),
        "move_url": reverse("schools:teach_move", args=[session.classroom_id, session.pk]),
        "screen_url": reverse("schools:teach_screen", args=[session.classroom_id, session.pk]),
        # The helpline's number, from the site's setting (read as every page reads it).
        "helpline": site_entries(request)["helpline"],
    }


def _projector_link(request, session) -> str:
    """The projector's link, in the session's language: it opens the screen without signing in;
    "" while it does not work (expired, or the module is behind a view restriction)."""
    if not selectors.projector_link_works(session):
        return ""
    with translation.override(session.language):
        return request.build_absolute_uri(reverse("schools:projector_screen", args=[session.screen_code]))


@staff_required
@require_http_methods(["GET", "POST"])
def teach_start(request, classroom_id: int, assignment_id: int):
    """What teaching in class is, and the button that starts it (or resumes the class's unfinished
    session of this module)."""
    assignment = selectors.assignment_for_staff(
        user=request.user, classroom_id=classroom_id, assignment_id=assignment_id
    )
    classroom = assignment.classroom
    if request.method == "POST":
        try:
            session = services.teaching_start(
                assignment=assignment,
                by=request.user,
                language=translation.get_language(),
                again=request.POST.get("action") == "again",
            )
        except SchoolError as error:
            messages.error(request, str(error))
            return redirect("schools:teach_start", classroom_id=classroom.pk, assignment_id=assignment.pk)
        return redirect("schools:teach_presenter", classroom_id=classroom.pk, session_id=session.pk)
    open_session = selectors.open_teaching_session(classroom=classroom, course=assignment.course)
    context = {
        "classroom": classroom,
        "assignment": assignment,
        "course": localised(assignment.course),
        "open_session": open_session if open_session and not selectors.teaching_session_stale(open_session) else None,
        "records": selectors.taught_records_of(classroom=classroom, course=assignment.course),
    }
    return render(request, "schools/teach/start.html", context)


@staff_required
@require_GET
def teach_presenter(request, classroom_id: int, session_id: int):
    """The teacher's own screen (a second window or a phone)."""
    session = _session(request, classroom_id, session_id)
    context = _context(request, session, _slides(session))
    # The clock counts from the last start or resume, not from a lesson begun days ago.
    since = session.resumed_at or session.started_at
    context["since"] = since
    context["elapsed_minutes"] = int((timezone.now() - since).total_seconds() // 60)
    link = _projector_link(request, session)
    context["projector_link"] = link
    # A module behind a view restriction is never shown through a link without sign-in.
    context["projector_restricted"] = restricted(session.course, session.language)
    context["left_out"] = left_out(session.course, language=session.language)
    context["recorded"] = context["ended"] and selectors.teaching_session_recorded(session)
    context["projector_qr"] = segno.make(link, error="m").svg_data_uri(scale=4, border=2) if link else ""
    response = render(request, "schools/teach/presenter.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


def _screen(request, session, **urls) -> HttpResponse:
    """The projector's page, in the session's language: the same slides as the presenter's."""
    with translation.override(session.language):
        context = _context(request, session, _slides(session))
        context.update(urls)
        response = render(request, "schools/teach/screen.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
@require_GET
def teach_screen(request, classroom_id: int, session_id: int):
    """What the class sees: the slide the presenter is on, in large type (signed in as the teacher)."""
    return _screen(request, _session(request, classroom_id, session_id))


def _state_response(request, session) -> HttpResponse:
    etag = _etag(session)
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = JsonResponse(_state(session))
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


@staff_required
@require_GET
def teach_state(request, classroom_id: int, session_id: int):
    """Where the session is, for the screens' polling: a few bytes, or 304 when nothing changed."""
    return _state_response(request, _session(request, classroom_id, session_id))


def _back(request, session):
    if _wants_json(request):
        response = JsonResponse(_state(session))
        response["ETag"] = _etag(session)
        return response
    view = VIEWS.get(request.POST.get("view"), VIEWS["presenter"])
    return redirect(view, classroom_id=session.classroom_id, session_id=session.pk)


def _move(request, session) -> HttpResponse | None:
    """Carry out a move posted from a screen; a response only when the request is refused."""
    slides = _slides(session)
    action = request.POST.get("action")
    if action == "next":
        position = session.position + 1
    elif action == "prev":
        position = session.position - 1
    elif action == "goto" and _whole_number(request.POST.get("position")) is not None:
        position = _whole_number(request.POST.get("position"))
    else:
        return HttpResponseBadRequest(_("Unknown action."))
    try:
        services.teaching_move(session=session, position=position, slides=len(slides))
    except SchoolError as error:
        if _wants_json(request):
            return JsonResponse({"error": str(error)}, status=409)
        messages.error(request, str(error))
    return None


@staff_required
@require_POST
def teach_move(request, classroom_id: int, session_id: int):
    """Next, previous, or a given slide, from either screen (buttons, keys, a clicker)."""
    session = _session(request, classroom_id, session_id)
    return _move(request, session) or _back(request, session)


@staff_required
@require_POST
def teach_projector_link(request, classroom_id: int, session_id: int):
    """ "New projector link": a new code for the session (the old link stops working)."""
    session = _session(request, classroom_id, session_id)
    try:
        services.teaching_screen_code_renew(session=session)
    except SchoolError as error:
        messages.error(request, str(error))
    return redirect("schools:teach_presenter", classroom_id=session.classroom_id, session_id=session.pk)


# --- The projector's link: no sign-in -----------------------------------------------------------
# The projector's computer opens the screen with the session's code, so that it never signs in and
# never passes through the staff pages (which show pupils' "I want to talk" notices). The code
# gives this session's slides, its state and its moves (a clicker), nothing else: no roster, no
# counts, no end, no other session; it stops working when the session ends, starts again, or has
# been left alone for SCREEN_CODE_HOURS (selectors.projector_link_works), and never works for a
# module behind a view restriction.


def _projector_session(code: str):
    return selectors.teaching_session_for_screen(code=code)


def _projector_gone(request) -> HttpResponse:
    response = render(request, "schools/teach/projector_gone.html", status=404)
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def projector_screen(request, code: str):
    """The projector's page, opened with the session's code instead of a sign-in."""
    session = _projector_session(code)
    if session is None:
        return _projector_gone(request)
    with translation.override(session.language):
        urls = {
            "state_url": reverse("schools:projector_state", args=[session.screen_code]),
            "move_url": reverse("schools:projector_move", args=[session.screen_code]),
            "screen_url": reverse("schools:projector_screen", args=[session.screen_code]),
        }
    # The code is in the address: the site's Referrer-Policy ("same-origin") never sends it to a
    # video's host.
    return _screen(request, session, **urls)


@require_GET
def projector_state(request, code: str):
    """The session's state for the projector's polling; 404 once the code is no longer valid (the
    page then reloads and says so)."""
    session = _projector_session(code)
    if session is None:
        return JsonResponse({"ended": True}, status=404)
    return _state_response(request, session)


@require_POST
def projector_move(request, code: str):
    """Next or previous from the projector (its buttons, keys or a clicker)."""
    session = _projector_session(code)
    if session is None:
        if _wants_json(request):
            return JsonResponse({"ended": True}, status=404)
        return _projector_gone(request)
    if request.POST.get("action") not in ("next", "prev"):
        return HttpResponseBadRequest(_("Unknown action."))
    refused = _move(request, session)
    if refused is not None:
        return refused
    if _wants_json(request):
        return _back(request, session)
    return redirect("schools:projector_screen", code=session.screen_code)


def _read_counts(request, slide: Slide) -> dict[str, int] | None:
    counts = {}
    for option in slide.options:
        count = _whole_number(request.POST.get(f"count-{option.id}") or "0")
        if count is None or count > MAX_COUNT:
            return None
        counts[option.id] = count
    bump = request.POST.get("bump", "")
    if ":" in bump:
        option, step = bump.rsplit(":", 1)
        if option in counts and step in ("1", "-1"):
            counts[option] = max(0, counts[option] + int(step))
    return counts


@staff_required
@require_POST
def teach_counts(request, classroom_id: int, session_id: int):
    """The hands counted for each option of a vote or a quiz question; reveal or hide its answer."""
    session = _session(request, classroom_id, session_id)
    slide = next((s for s in _slides(session) if s.key == request.POST.get("key") and s.votable), None)
    if slide is None:
        raise Http404
    action = request.POST.get("action", "save")
    try:
        if slide.countable:
            counts = _read_counts(request, slide)
            if counts is None:
                message = _("Type each count as a whole number from 0 to %(most)s, then save again.") % {
                    "most": MAX_COUNT
                }
                if _wants_json(request):
                    return JsonResponse({"error": message}, status=400)
                messages.error(request, message)
                return _back(request, session)
            services.teaching_counts(
                session=session,
                key=slide.key,
                quiz=slide.kind == "question",
                options=[option.id for option in slide.options],
                counts=counts,
            )
        if action in ("reveal", "hide"):
            services.teaching_reveal(session=session, key=slide.key, revealed=action == "reveal")
    except SchoolError as error:
        if _wants_json(request):
            return JsonResponse({"error": str(error)}, status=409)
        messages.error(request, str(error))
    return _back(request, session)


@staff_required
@require_http_methods(["GET", "POST"])
def teach_end(request, classroom_id: int, session_id: int):
    """ "Done: taught in class": tick the pupils present (all by default) and the day (today)."""
    session = _session(request, classroom_id, session_id)
    classroom = session.classroom
    if session.ended_at is not None and not selectors.teaching_session_recorded(session):
        # Started again or left unfinished: this session has nothing to record; the class's
        # current one is reached from the start page.
        messages.info(request, NOT_RECORDED)
        assignment = selectors.teaching_assignment(session=session)
        if assignment is None:
            return redirect("schools:classroom_detail", classroom_id=classroom.pk)
        return redirect("schools:teach_start", classroom_id=classroom.pk, assignment_id=assignment.pk)
    pupils = selectors.pupils_of(classroom)
    ordered = selectors.sorted_pupils(pupils)
    initial = {"pupils": [p.pk for p in ordered], "taught_on": timezone.localdate(), "others": 0}
    form = TaughtForm(request.POST or None, pupils=pupils, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = services.class_taught_record(
                session=session,
                taught_on=data["taught_on"],
                present=list(data["pupils"]),
                others=data.get("others") or 0,
                by=request.user,
            )
        except SchoolError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                ngettext(
                    "Recorded: “%(module)s” taught in class on %(date)s, %(count)s pupil present.",
                    "Recorded: “%(module)s” taught in class on %(date)s, %(count)s pupils present.",
                    record.present_count,
                )
                % {
                    "module": localised(session.course).title,
                    "date": date_format(record.taught_on, "SHORT_DATE_FORMAT"),
                    "count": record.present_count,
                },
            )
            return redirect("schools:classroom_detail", classroom_id=classroom.pk)
    ticked = {str(pk) for pk in (form["pupils"].value() or [])}
    context = {
        "session": session,
        "classroom": classroom,
        "course": localised(session.course),
        "form": form,
        "roster": [(pupil, str(pupil.pk) in ticked) for pupil in ordered],
    }
    return render(request, "schools/teach/end.html", context, status=400 if form.errors else 200)
