from django.urls import path

from .views import consent, gains, offline, reports, signin, staff, talk, teach

app_name = "schools"

urlpatterns = [
    # Pupils
    path("class/", signin.class_code, name="signin"),
    path("class/names/", signin.choose_name, name="signin_names"),
    path("class/pupil/<int:pupil_id>/", signin.enter_secret, name="signin_secret"),
    path("my-modules/", signin.my_modules, name="my_modules"),
    path("my-modules/offline.json", offline.my_modules_offline, name="my_modules_offline"),
    # Families
    path("consent/<str:token>/", consent.consent_online, name="consent_online"),
    # Teachers and school leaders
    path("schools/", staff.staff_home, name="staff_home"),
    path("schools/new/", staff.school_create, name="school_create"),
    path("schools/join/", staff.school_join, name="school_join"),
    path("schools/<int:school_id>/", staff.school_detail, name="school_detail"),
    path("schools/<int:school_id>/export.csv", staff.school_export, name="school_export"),
    path("schools/<int:school_id>/audit/", staff.school_audit, name="school_audit"),
    path("schools/<int:school_id>/learning-gains/", gains.school_gains, name="school_gains"),
    path("schools/<int:school_id>/learning-gains.csv", gains.school_gains_export, name="school_gains_export"),
    path(
        "schools/<int:school_id>/staff/<int:membership_id>/<slug:action>/",
        staff.school_staff_action,
        name="school_staff_action",
    ),
    path("schools/<int:school_id>/classes/new/", staff.classroom_create, name="classroom_create"),
    path("classes/<int:classroom_id>/", staff.classroom_detail, name="classroom_detail"),
    path("classes/<int:classroom_id>/offline.json", offline.classroom_offline, name="classroom_offline"),
    path("classes/<int:classroom_id>/edit/", staff.classroom_edit, name="classroom_edit"),
    path("classes/<int:classroom_id>/archive/", staff.classroom_archive, name="classroom_archive"),
    path("classes/<int:classroom_id>/export.csv", staff.classroom_export, name="classroom_export"),
    path("classes/<int:classroom_id>/pupils/", staff.classroom_pupils, name="classroom_pupils"),
    path("classes/<int:classroom_id>/pupils/add/", staff.roster_add, name="roster_add"),
    path("classes/<int:classroom_id>/pupils/<int:pupil_id>/", staff.pupil_detail, name="pupil_detail"),
    path("classes/<int:classroom_id>/cards.pdf", staff.login_cards, name="login_cards"),
    path("classes/<int:classroom_id>/consent/", staff.consent_bulk, name="consent_bulk"),
    path("classes/<int:classroom_id>/assign/", staff.assign, name="assign"),
    path(
        "classes/<int:classroom_id>/assignments/<int:assignment_id>/remove/",
        staff.unassign,
        name="unassign",
    ),
    # "I want to talk": the pupil's page; the request for the adult asked and the leaders
    path("talk/", talk.talk, name="talk"),
    path("talk/requests/<int:request_id>/", talk.talk_request, name="talk_request"),
    path("schools/<int:school_id>/talk/", talk.school_talk_requests, name="school_talk_requests"),
    path("schools/<int:school_id>/counsellor/", talk.school_counsellor, name="school_counsellor"),
    # Teaching a module in class: the projector's and the presenter's views, kept in step
    path("classes/<int:classroom_id>/modules/<int:assignment_id>/teach/", teach.teach_start, name="teach_start"),
    path("classes/<int:classroom_id>/teach/<int:session_id>/", teach.teach_presenter, name="teach_presenter"),
    path("classes/<int:classroom_id>/teach/<int:session_id>/screen/", teach.teach_screen, name="teach_screen"),
    path("classes/<int:classroom_id>/teach/<int:session_id>/state.json", teach.teach_state, name="teach_state"),
    path("classes/<int:classroom_id>/teach/<int:session_id>/move/", teach.teach_move, name="teach_move"),
    path("classes/<int:classroom_id>/teach/<int:session_id>/counts/", teach.teach_counts, name="teach_counts"),
    path("classes/<int:classroom_id>/teach/<int:session_id>/end/", teach.teach_end, name="teach_end"),
    path(
        "classes/<int:classroom_id>/teach/<int:session_id>/projector-link/",
        teach.teach_projector_link,
        name="teach_projector_link",
    ),
    # The projector's link: no sign-in, the session's code is the key (schools.views.teach).
    path("projector/<str:code>/", teach.projector_screen, name="projector_screen"),
    path("projector/<str:code>/state.json", teach.projector_state, name="projector_state"),
    path("projector/<str:code>/move/", teach.projector_move, name="projector_move"),
    # Progress reports for parents (schools.reports)
    path(
        "classes/<int:classroom_id>/pupils/<int:pupil_id>/report.pdf",
        reports.pupil_report,
        name="pupil_report",
    ),
    path("classes/<int:classroom_id>/reports.pdf", reports.class_reports, name="class_reports"),
]
