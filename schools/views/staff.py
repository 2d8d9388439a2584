"""Teachers' and school leaders' pages: their schools, classes, pupils, consent, assignments and
dashboards. Thin: every write goes through `schools.services`, every look-up by id through a
selector that checks the person may see it (404 otherwise)."""

from __future__ import annotations

from functools import wraps

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import CredentialKind
from h5p import selectors as h5p_selectors

from .. import audit, exports, selectors, services, signin_limits
from ..cards import login_cards_pdf
from ..forms import (
    AssignForm,
    BulkConsentForm,
    ClassroomForm,
    ConsentForm,
    JoinSchoolForm,
    RosterForm,
    SchoolForm,
)
from ..models import ConsentEvent, ConsentMethod, Membership, MembershipRole
from ..roster import MAX_CSV_BYTES, plan_from_csv, plan_from_text, within_limit
from ..services import SchoolError
from .consent import consent_link


def staff_required(view):
    """Adults only: visitors are sent to log in, pupils get 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if request.user.is_pupil:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


# --- Schools --------------------------------------------------------------------------------


@staff_required
def staff_home(request):
    memberships = selectors.staff_memberships(request.user)
    # Archived classes stay listed (last): a family may withdraw consent after the school year.
    classrooms = list(
        selectors.visible_classrooms(request.user, include_archived=True)
        .order_by("-active", "grade", "name")
        .annotate(pupil_count=Count("memberships", filter=Q(memberships__role=MembershipRole.PUPIL)))
    )
    schools = [
        {"membership": m, "classrooms": [c for c in classrooms if c.school_id == m.school_id]} for m in memberships
    ]
    # Offered, not required, to teachers and leaders (README, "Accounts"); reminded here until on.
    context = {"schools": schools, "mfa_enabled": is_mfa_enabled(request.user)}
    return render(request, "schools/staff_home.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def school_create(request):
    form = SchoolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        school = services.school_create(founder=request.user, **form.cleaned_data)
        messages.success(
            request, _("%(school)s is created and you lead it. Now create a class.") % {"school": school.name}
        )
        return redirect("schools:classroom_create", school_id=school.pk)
    return render(request, "schools/school_form.html", {"form": form}, status=400 if form.errors else 200)


@staff_required
@require_http_methods(["GET", "POST"])
def school_join(request):
    form = JoinSchoolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.school_join_request(user=request.user, code=form.cleaned_data["code"])
        except SchoolError as error:
            form.add_error("code", str(error))
        else:
            messages.success(
                request,
                _("Your request to join %(school)s is sent. A school leader will approve it.")
                % {"school": membership.school.name},
            )
            return redirect("schools:staff_home")
    return render(request, "schools/school_join.html", {"form": form}, status=400 if form.errors else 200)


@staff_required
def school_detail(request, school_id: int):
    school, membership = selectors.school_for_staff(user=request.user, school_id=school_id)
    is_leader = membership.role == MembershipRole.LEADER
    context = {"school": school, "membership": membership, "is_leader": is_leader}
    if is_leader:
        context["rows"] = selectors.school_dashboard(school=school)
        context["staff"] = (
            Membership.objects.filter(school=school, classroom=None)
            .exclude(role=MembershipRole.PUPIL)
            .select_related("user")
            .order_by("approved", "user__display_name")
        )
    else:
        context["classrooms"] = (
            selectors.visible_classrooms(request.user, include_archived=True)
            .filter(school=school)
            .order_by("-active", "grade", "name")
        )
    return render(request, "schools/school_detail.html", context)


@staff_required
@require_POST
def school_staff_action(request, school_id: int, membership_id: int, action: str):
    school = selectors.school_for_leader(user=request.user, school_id=school_id)
    member = selectors.staff_membership_in_school(school=school, membership_id=membership_id)
    name = member.user.get_display_name()
    try:
        if action == "approve":
            services.staff_decide(membership=member, approve=True)
            messages.success(request, _("%(name)s is now a teacher of the school.") % {"name": name})
        elif action == "decline":
            services.staff_decide(membership=member, approve=False)
            messages.success(request, _("The request of %(name)s is declined.") % {"name": name})
        elif action == "remove":
            services.staff_remove(membership=member)
            messages.success(request, _("%(name)s is no longer on the school's staff.") % {"name": name})
        elif action == "make_leader":
            services.staff_make_leader(membership=member)
            messages.success(request, _("%(name)s is now a leader of the school.") % {"name": name})
        else:
            raise Http404
    except SchoolError as error:
        messages.error(request, str(error))
    return redirect("schools:school_detail", school_id=school.pk)


@staff_required
def school_export(request, school_id: int):
    school = selectors.school_for_leader(user=request.user, school_id=school_id)
    audit.record(action="schools.school_exported", school=school, by=request.user)
    return exports.csv_response(exports.school_rows(school), filename=f"school-{school.pk}-progress.csv")


@staff_required
def school_audit(request, school_id: int):
    """What staff did to the school's children's data (schools.audit): for its leaders."""
    school = selectors.school_for_leader(user=request.user, school_id=school_id)
    page = Paginator(audit.entries_for_school(school), 50).get_page(request.GET.get("page"))
    context = {"school": school, "page": page, "labels": audit.ACTIONS, "kept_days": settings.AUDIT_LOG_DAYS}
    return render(request, "schools/school_audit.html", context)


# --- Classes --------------------------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def classroom_create(request, school_id: int):
    school, _membership = selectors.school_for_staff(user=request.user, school_id=school_id)
    form = ClassroomForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            classroom = services.classroom_create(school=school, teacher=request.user, **form.cleaned_data)
        except SchoolError as error:
            form.add_error("name", str(error))
        else:
            messages.success(request, _("Class %(name)s is created. Add its pupils.") % {"name": classroom.name})
            return redirect("schools:roster_add", classroom_id=classroom.pk)
    return render(
        request, "schools/classroom_form.html", {"form": form, "school": school}, status=400 if form.errors else 200
    )


@staff_required
@require_http_methods(["GET", "POST"])
def classroom_edit(request, classroom_id: int):
    classroom = selectors.classroom_for_staff(user=request.user, classroom_id=classroom_id)
    initial = {"name": classroom.name, "grade": classroom.grade, "sign_in_kind": classroom.sign_in_kind}
    form = ClassroomForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.classroom_update(classroom=classroom, **form.cleaned_data)
        except SchoolError as error:
            form.add_error("name", str(error))
        else:
            messages.success(request, _("The class is saved."))
            return redirect("schools:classroom_detail", classroom_id=classroom.pk)
    return render(
        request,
        "schools/classroom_form.html",
        {"form": form, "school": classroom.school, "classroom": classroom},
        status=400 if form.errors else 200,
    )


@staff_required
@require_POST
def classroom_archive(request, classroom_id: int):
    classroom = selectors.classroom_for_staff(user=request.user, classroom_id=classroom_id)
    active = request.POST.get("active") == "1"
    try:
        services.classroom_set_active(classroom=classroom, active=active)
    except SchoolError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The class is active again.") if active else _("The class is archived: its pupils cannot sign in."),
        )
    return redirect("schools:classroom_detail", classroom_id=classroom.pk)


@staff_required
def classroom_detail(request, classroom_id: int):
    """The class dashboard: pupils x assigned modules (and their lessons' H5P activities)."""
    classroom = selectors.classroom_for_staff(user=request.user, classroom_id=classroom_id)
    # Built only when the drawn dashboard under this key is not kept already.
    dashboard = SimpleLazyObject(lambda: selectors.class_dashboard_with_h5p(classroom=classroom))
    context = {
        "classroom": classroom,
        "dashboard": dashboard,
        "dashboard_key": selectors.class_dashboard_key(classroom=classroom, request=request),
    }
    return render(request, "schools/classroom_detail.html", context)


@staff_required
def classroom_export(request, classroom_id: int):
    classroom = selectors.classroom_for_staff(user=request.user, classroom_id=classroom_id)
    audit.record(action="schools.class_exported", classroom=classroom, by=request.user)
    return exports.csv_response(exports.classroom_rows(classroom), filename=f"class-{classroom.pk}-progress.csv")


# --- Pupils ---------------------------------------------------------------------------------


def _existing_names(classroom) -> set[str]:
    return set(selectors.pupils_of(classroom).values_list("display_name", flat=True))


@staff_required
@require_http_methods(["GET", "POST"])
def roster_add(request, classroom_id: int):
    """Paste names or upload a CSV; a dry run shows every row; nothing is written until the
    teacher confirms (which reads the same input again)."""
    classroom = selectors.classroom_for_staff(user=request.user, classroom_id=classroom_id)
    context = {"classroom": classroom}
    if request.method == "POST" and request.POST.get("confirm"):
        source, text = request.POST.get("source"), request.POST.get("payload", "")
        existing = _existing_names(classroom)
        if source == "csv":
            plan = plan_from_csv(text.encode(), existing_names=existing)
        else:
            plan = plan_from_text(text, existing_names=existing)
        try:
            pupils = services.roster_import(classroom=classroom, plan=plan, by=request.user)
        except SchoolError as error:
            messages.error(request, str(error))
            context |= {"plan": plan, "source": source, "payload": within_limit(text)}
            return render(request, "schools/roster_preview.html", context, status=400)
        messages.success(
            request,
            ngettext(
                "%(count)s pupil is added, with a picture password or PIN. Print the login card.",
                "%(count)s pupils are added, each with a picture password or PIN. Print their login cards.",
                len(pupils),
            )
            % {"count": len(pupils)},
        )
        return redirect("schools:classroom_pupils", classroom_id=classroom.pk)
    form = RosterForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        existing = _existing_names(classroom)
        upload = form.cleaned_data.get("csv_file")
        if upload:
            # Read no more than a class list can be; the plan refuses anything larger.
            data = upload.read(MAX_CSV_BYTES + 1)
            plan = plan_from_csv(data, existing_names=existing)
            source, payload = "csv", data.decode("utf-8-sig", errors="replace")
        else:
            source, payload = "text", form.cleaned_data["names"]
            plan = plan_from_text(payload, existing_names=existing)
        context |= {"plan": plan, "source": source, "payload": payload}
        return render(request, "schools/roster_preview.html", context, status=200 if plan.ok else 400)
    if "names" in form.errors:
        form.data = form.data.copy()  # an oversized paste is not sent back whole
        form.data["names"] = within_limit(form.data.get("names", ""))
    context["form"] = form
    return render(request, "schools/roster_add.html", context, status=400 if form.errors else 200)


@staff_required
@require_http_methods(["GET", "POST"])
def classroom_pupils(request, classroom_id: int):
    classroom = selectors.classroom_for_staff(user=request.user, classroom_id=classroom_id)
    if request.method == "POST" and request.POST.get("action") == "unlock_all":
        services.class_unlock_all(classroom=classroom, by=request.user)
        messages.success(request, _("Every pupil of the class can sign in again, with the same cards."))
        return redirect("schools:classroom_pupils", classroom_id=classroom.pk)
    if request.method == "POST" and request.POST.get("action") == "unblock_network":
        signin_limits.unblock_network(request)
        messages.success(request, _("Pupils on this network can type the class code again."))
        return redirect("schools:classroom_pupils", classroom_id=classroom.pk)
    pupils = selectors.sorted_pupils(selectors.pupils_of(classroom))
    locked = sum(1 for p in pupils if getattr(p, "pupil_credential", None) and p.pupil_credential.is_locked)
    context = {
        "classroom": classroom,
        "pupils": pupils,
        "locked_count": locked,
        "class_paused": signin_limits.class_paused(classroom),
        # Shown when the teacher is on the network the limit blocks (a school's one address).
        "network_blocked": signin_limits.network_blocked(request),
    }
    return render(request, "schools/classroom_pupils.html", context)


@staff_required
def login_cards(request, classroom_id: int):
    classroom = selectors.classroom_for_staff(user=request.user, classroom_id=classroom_id)
    pupils = selectors.pupils_of(classroom)
    if request.GET.get("pupil"):
        pupils = pupils.filter(pk=request.GET["pupil"] if request.GET["pupil"].isdigit() else 0)
    pdf = login_cards_pdf(
        classroom=classroom, pupils=selectors.sorted_pupils(pupils), base_url=request.build_absolute_uri("/")
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="login-cards-{classroom.class_code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
@require_http_methods(["GET", "POST"])
def pupil_detail(request, classroom_id: int, pupil_id: int):
    classroom = selectors.classroom_for_staff(user=request.user, classroom_id=classroom_id)
    pupil = selectors.pupil_in_classroom(classroom=classroom, pupil_id=pupil_id)
    consent_form = ConsentForm(request.POST if request.POST.get("action") == "consent" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        here = redirect("schools:pupil_detail", classroom_id=classroom.pk, pupil_id=pupil.pk)
        if action == "consent" and consent_form.is_valid():
            services.consent_record(
                pupil=pupil, by=request.user, method=ConsentMethod.PAPER, **consent_form.cleaned_data
            )
            messages.success(request, _("Consent is recorded: %(name)s's progress is now saved.") % {"name": pupil})
            return here
        if action == "withdraw":
            if request.POST.get("sure") != "yes":
                messages.error(request, _("Tick the box to confirm: withdrawing consent deletes the pupil's progress."))
                return here
            deleted = services.consent_withdraw(pupil=pupil, by=request.user)
            messages.success(
                request,
                _("Consent is withdrawn; deleted: %(steps)s steps and %(attempts)s quiz attempts.") % deleted,
            )
            return here
        if action in ("new_secret", "pin", "pictures"):
            kind = {"pin": CredentialKind.PIN, "pictures": CredentialKind.PICTURES}.get(action)
            current = getattr(pupil, "pupil_credential", None)
            services.pupil_new_secret(
                pupil=pupil,
                classroom=classroom,
                kind=kind or (current.kind if current else classroom.sign_in_kind),
                by=request.user,
            )
            messages.success(request, _("%(name)s has a new sign-in: print a new card.") % {"name": pupil})
            return here
        if action == "unlock" and getattr(pupil, "pupil_credential", None):
            services.pupil_unlock(pupil=pupil, classroom=classroom, by=request.user)
            messages.success(request, _("%(name)s can sign in again with the same card.") % {"name": pupil})
            return here
        if action == "rename":
            try:
                services.pupil_rename(
                    pupil=pupil, classroom=classroom, name=request.POST.get("name", ""), by=request.user
                )
            except SchoolError as error:
                messages.error(request, str(error))
            return here
        if action == "delete":
            if request.POST.get("sure") != "yes":
                messages.error(request, _("Tick the box to confirm that the pupil and their data are deleted."))
                return here
            services.pupil_delete(pupil=pupil, by=request.user)
            messages.success(request, _("The pupil and everything stored about them are deleted."))
            return redirect("schools:classroom_pupils", classroom_id=classroom.pk)
        if action not in ("consent",):
            return HttpResponseBadRequest(_("Unknown action."))
    credential = getattr(pupil, "pupil_credential", None)
    context = {
        "classroom": classroom,
        "pupil": pupil,
        "credential": credential,
        "consent_form": consent_form,
        "consent": getattr(pupil, "consent_record", None),
        "events": ConsentEvent.objects.filter(pupil=pupil).select_related("by")[:10],
        "consent_link": consent_link(request, pupil=pupil, classroom=classroom),
        "h5p_results": h5p_selectors.results_for(learner=pupil),
        "taught": selectors.taught_for_pupil(pupil=pupil, classroom=classroom),
    }
    return render(request, "schools/pupil_detail.html", context, status=400 if consent_form.errors else 200)


@staff_required
@require_http_methods(["GET", "POST"])
def consent_bulk(request, classroom_id: int):
    """Record the slips that came back for several pupils at once."""
    classroom = selectors.classroom_for_staff(user=request.user, classroom_id=classroom_id)
    missing = selectors.pupils_of(classroom).filter(learning_data_consent=False)
    form = BulkConsentForm(request.POST or None, pupils=missing)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        for pupil in data["pupils"]:
            services.consent_record(
                pupil=pupil,
                pupil_assent=data["pupil_assent"],
                guardian_consent=data["guardian_consent"],
                method=ConsentMethod.PAPER,
                given_on=data["given_on"],
                by=request.user,
            )
        count = len(data["pupils"])
        messages.success(
            request,
            ngettext("Consent is recorded for %(count)s pupil.", "Consent is recorded for %(count)s pupils.", count)
            % {"count": count},
        )
        return redirect("schools:classroom_detail", classroom_id=classroom.pk)
    return render(
        request,
        "schools/consent_bulk.html",
        {"classroom": classroom, "form": form, "missing": missing},
        status=400 if form.errors else 200,
    )


# --- Assignments ----------------------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def assign(request, classroom_id: int):
    classroom = selectors.classroom_for_staff(user=request.user, classroom_id=classroom_id)
    all_ages = request.GET.get("all") == "1" or request.POST.get("all") == "1"
    courses = list(selectors.assignable_courses(classroom, all_ages=True))
    shown = [c for c in courses if all_ages or c.age_band == classroom.age_band]
    form = AssignForm(request.POST or None, courses=courses)
    outside = None
    if request.method == "POST" and form.is_valid():
        course = form.courses[form.cleaned_data["course"]]
        if course.age_band != classroom.age_band and request.POST.get("outside_ok") != "1":
            outside = course
        else:
            services.course_assign(
                classroom=classroom, course=course, due_on=form.cleaned_data["due_on"], by=request.user
            )
            messages.success(
                request, _("“%(course)s” is assigned to %(class)s.") % {"course": course.title, "class": classroom}
            )
            return redirect("schools:classroom_detail", classroom_id=classroom.pk)
    assignments = list(classroom.assignments.select_related("course"))
    assigned = {a.course.translation_key for a in assignments}
    context = {
        "classroom": classroom,
        "form": form,
        "courses": shown,
        "all_ages": all_ages,
        "assigned": assigned,
        "outside": outside,
        "assignments": assignments,
        "today": timezone.localdate(),
    }
    return render(request, "schools/assign.html", context, status=400 if form.errors else 200)


@staff_required
@require_POST
def unassign(request, classroom_id: int, assignment_id: int):
    classroom = selectors.classroom_for_staff(user=request.user, classroom_id=classroom_id)
    assignment = selectors.assignment_in_classroom(classroom=classroom, assignment_id=assignment_id)
    services.course_unassign(assignment=assignment)
    messages.success(request, _("The module is taken off the class's list; pupils' progress is kept."))
    return redirect(reverse("schools:assign", kwargs={"classroom_id": classroom.pk}))
