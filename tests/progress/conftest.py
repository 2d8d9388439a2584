from tests.courses.conftest import course, en_course, lessons  # noqa: F401  (shared fixtures)
