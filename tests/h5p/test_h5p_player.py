"""The H5P player's own document: who may open it (as for the lesson that embeds the activity),
what it gives each of them, and the Content-Security-Policy it runs under."""

import pytest
from django.conf import settings

from courses.models import Audience, CoursePage
from tests.factories import AdultFactory, PupilFactory
from tests.h5p.test_h5p_results import config_of, url


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize(
    "who",
    ["visitor", "pupil with consent", "pupil without consent", "teacher", "caregiver", "superuser"],
)
def test_h5p_player_opens_for_whoever_may_read_the_lesson(client, h5p_lesson, h5p_activity, who):
    user = {
        "visitor": None,
        "pupil with consent": lambda: PupilFactory(learning_data_consent=True),
        "pupil without consent": lambda: PupilFactory(learning_data_consent=False),
        "teacher": lambda: AdultFactory(role="teacher"),
        "caregiver": lambda: AdultFactory(role="caregiver"),
        "superuser": lambda: AdultFactory(is_staff=True, is_superuser=True),
    }[who]
    if user:
        client.force_login(user())
    response = client.get(url(h5p_lesson, h5p_activity, "player"))
    assert response.status_code == 200
    config = config_of(response.content.decode())
    reports = who not in ("visitor", "pupil without consent")
    assert bool(config["report"]) == reports, who
    assert ("ajax" in config["options"]) == reports, who


def test_h5p_player_of_an_adult_course_is_refused_to_a_pupil(client, course, h5p_lesson, h5p_activity):
    CoursePage.objects.filter(pk=course.pk).update(audience=Audience.FRONTLINE, age_band="")
    client.force_login(PupilFactory(learning_data_consent=True))
    assert client.get(url(h5p_lesson, h5p_activity, "player")).status_code == 403


def test_h5p_player_of_an_activity_not_on_the_page_is_not_found(client, lessons, h5p_lesson, h5p_activity):
    assert client.get(url(lessons[1], h5p_activity, "player")).status_code == 404


def test_h5p_player_of_an_unpublished_lesson_is_not_found(client, h5p_lesson, h5p_activity):
    h5p_lesson.unpublish()
    assert client.get(url(h5p_lesson, h5p_activity, "player")).status_code == 404


def test_h5p_player_runs_under_its_own_narrow_policy_and_only_inside_the_site(client, h5p_lesson, h5p_activity):
    response = client.get(url(h5p_lesson, h5p_activity, "player"))
    policy = directives(response)
    assert policy["default-src"] == ["'none'"]
    # Scripts: the site's files and the one inline line the player writes, by its hash; nothing
    # inline otherwise and nothing evaluated.
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert any(source.startswith("'sha256-") for source in policy["script-src"])
    assert "'unsafe-inline'" in policy["style-src"]  # H5P content writes style attributes
    assert policy["frame-ancestors"] == ["'self'"] and response["X-Frame-Options"] == "SAMEORIGIN"
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]


def test_h5p_player_policy_allows_the_inline_line_of_the_pinned_player():
    """The hash in the policy is of a line of h5p-standalone's frame bundle: a new version of the
    player that changes it fails here, not in a classroom."""
    bundle = settings.BASE_DIR / "node_modules" / "h5p-standalone" / "dist" / "frame.bundle.js"
    assert f"<script>{settings.H5P_PLAYER_INLINE_SCRIPT}<\\/script>" in bundle.read_text()


def test_h5p_lesson_frames_the_player_under_the_sites_strict_policy(client, h5p_lesson, h5p_activity):
    response = client.get(h5p_lesson.url)
    page = response.content.decode()
    assert f'<iframe class="h5p-player__frame" src="{url(h5p_lesson, h5p_activity, "player")}"' in page
    policy = directives(response)
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert "'self'" in policy["frame-src"] and policy["frame-ancestors"] == ["'none'"]


def test_h5p_player_gets_eval_and_youtube_only_for_packages_whose_libraries_need_them(client, h5p_lesson, h5p_activity):
    plain = directives(client.get(url(h5p_lesson, h5p_activity, "player")))
    assert "'unsafe-eval'" not in plain["script-src"] and "https://www.youtube.com" not in plain["script-src"]

    # As H5P.QuestionSet 1.17 exports bring them: EmbeddedJS compiles templates with new Function,
    # H5P.Video plays YouTube sources through YouTube's script and frame.
    h5p_activity.libraries = ["H5P.QuestionSet-1.17", "EmbeddedJS-1.0", "H5P.Video-1.5", "H5P.MultiChoice-1.14"]
    h5p_activity.save()
    policy = directives(client.get(url(h5p_lesson, h5p_activity, "player")))
    assert "'unsafe-eval'" in policy["script-src"] and "https://www.youtube.com" in policy["script-src"]
    assert "https://www.youtube-nocookie.com" in policy["frame-src"]
    assert "'unsafe-inline'" not in policy["script-src"]
    # The lesson around it stays strict.
    lesson = directives(client.get(h5p_lesson.url))
    assert lesson["script-src"] == ["'self'"]
