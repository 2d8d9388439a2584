"""A page's address is looked up in the content cache (courses.routing), and the cache never
serves an address after an editor has unpublished, moved or renamed its page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses import cache as content_cache


def queries_for(client, url) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.status_code, len(queries)


@pytest.mark.django_db
def test_a_known_address_skips_wagtails_routing(client, lessons):
    url = lessons[0].url
    status, first = queries_for(client, url)
    status_again, cached = queries_for(client, url)
    assert status == status_again == 200
    # The site, the root page, its translation and each level down are no longer looked up.
    assert cached <= first - 3


@pytest.mark.django_db
def test_an_unpublished_page_is_not_served_from_a_cached_address(client, lessons):
    url = lessons[0].url
    assert client.get(url).status_code == 200
    lessons[0].unpublish()
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_a_renamed_page_answers_at_its_new_address_only(client, lessons):
    lesson = lessons[1]
    old_url = lesson.url
    assert client.get(old_url).status_code == 200
    lesson.slug = "ten-moi"
    lesson.save_revision().publish()
    assert client.get(old_url).status_code == 404
    lesson.refresh_from_db()
    assert lesson.url.endswith("/ten-moi/") and client.get(lesson.url).status_code == 200


@pytest.mark.django_db
def test_a_stale_address_entry_still_checks_the_page_is_live(client, lessons):
    """Even if a change slipped past the version (a raw UPDATE), a page no longer live is a 404."""
    url = lessons[0].url
    assert client.get(url).status_code == 200
    type(lessons[0]).objects.filter(pk=lessons[0].pk).update(live=False)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_unknown_addresses_are_not_cached(client, lessons):
    content_cache.process_entries.clear()
    assert client.get("/vi/khong-co/trang-nay/").status_code == 404
    assert not [key for key in content_cache.process_entries.entries if key.startswith("route:")]


@pytest.mark.django_db
def test_a_kept_page_is_handed_out_as_a_copy_per_request(rf, course):
    from courses.models import CoursePage

    first_request, second_request = rf.get("/"), rf.get("/")
    first = content_cache.process_copy(first_request, "test-course", lambda: CoursePage.objects.get(pk=course.pk))
    first.per_request_note = "only mine"
    first._state.fields_cache["owner"] = "only mine"
    second = content_cache.process_copy(second_request, "test-course", lambda: pytest.fail("built twice"))
    assert second.pk == course.pk and second is not first
    assert not hasattr(second, "per_request_note") and "owner" not in second._state.fields_cache


@pytest.mark.django_db
def test_a_page_found_below_a_cached_address_gets_its_own_entry(client, lessons, home_page):
    content_cache.process_entries.clear()
    assert client.get("/vi/").status_code == 200  # the home page's address is cached
    url = lessons[0].url
    assert client.get(url).status_code == 200
    own = [key for key in content_cache.process_entries.entries if key.startswith("route:") and key.endswith(url[4:])]
    assert own, list(content_cache.process_entries.entries)
