"""Pages can be created only where the course tree allows them."""

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from courses.models import CourseIndexPage, CoursePage, LessonPage
from elearning.models import HomePage
from quizzes.models import QuizPage


class CourseTreeTests(WagtailPageTestCase):
    def test_the_catalogue_lives_under_a_home_page(self):
        self.assertAllowedSubpageTypes(HomePage, {CourseIndexPage})
        self.assertAllowedParentPageTypes(CourseIndexPage, {HomePage})
        root = Page.get_first_root_node()
        home = root.add_child(instance=HomePage(title="Home", slug="home-of-the-test"))
        self.assertTrue(CourseIndexPage.can_create_at(home))
        self.assertFalse(CourseIndexPage.can_create_at(root))  # never at the root of the tree

    def test_courses_live_in_the_catalogue_and_hold_lessons(self):
        self.assertAllowedParentPageTypes(CoursePage, {CourseIndexPage})
        self.assertAllowedSubpageTypes(CourseIndexPage, {CoursePage})
        self.assertAllowedSubpageTypes(CoursePage, {LessonPage, QuizPage})

    def test_a_lesson_has_no_children_and_sits_only_in_a_course(self):
        self.assertAllowedSubpageTypes(LessonPage, set())
        self.assertCanNotCreateAt(HomePage, LessonPage)
        self.assertCanNotCreateAt(CourseIndexPage, LessonPage)
        self.assertCanNotCreateAt(HomePage, CoursePage)
        self.assertCanCreateAt(CoursePage, LessonPage)

    def test_a_quiz_sits_only_in_a_course(self):
        self.assertAllowedParentPageTypes(QuizPage, {CoursePage})
        self.assertAllowedSubpageTypes(QuizPage, set())
        self.assertCanNotCreateAt(CourseIndexPage, QuizPage)
        self.assertCanCreateAt(CoursePage, QuizPage)
