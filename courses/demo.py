"""The starter curriculum for `manage.py load_demo`: the catalogue, and one course per module
folder of `courses/curriculum/`, in Vietnamese with its English wagtail-localize translation.

Idempotent, and respectful of editors: a page that exists (looked up by its slug) is left as it
is; only what is missing is created. Block ids are derived from the module, lesson and position,
so the same file always makes the same blocks.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from django.core.files import File
from django.db import transaction
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, Page
from wagtail_localize.models import (
    String,
    StringTranslation,
    TranslationContext,
    TranslationSource,
)
from wagtail_localize.segments import StringSegmentValue
from wagtail_localize.segments.extract import extract_segments

from .curriculum import CURRICULUM_DIR, Module, read_curriculum, text_to_html
from .models import CourseIndexPage, CoursePage, LessonPage, Topic

BLOCK_NAMESPACE = uuid.UUID("6f4a3c1e-2b7d-4e58-9a61-0c5d8e2f7b34")
IMAGE_COLLECTION = "Curriculum"

CATALOGUE = {
    "vi": {
        "title": "Khóa học",
        "slug": "khoa-hoc",
        "intro": "Bài học theo lứa tuổi cho các em, và khóa học cho cha mẹ, thầy cô và cán bộ xã hội.",
    },
    "en": {
        "title": "Courses",
        "slug": "courses",
        "intro": "Lessons for each age, and courses for parents, teachers and social workers.",
    },
}


class TranslationMismatch(Exception):
    """The English file does not line up with the Vietnamese one, segment for segment."""


@dataclass
class LoadResult:
    courses: int = 0
    lessons: int = 0
    translations: int = 0
    kits: int = 0  # classroom kits added to module pages made before their files had one


def _id(*parts) -> str:
    return str(uuid.uuid5(BLOCK_NAMESPACE, "/".join(str(p) for p in parts)))


# -- images --------------------------------------------------------------------------------


def curriculum_image(relative_path: str, alt: str = ""):
    """The Wagtail image for a curriculum drawing, uploaded once into the Curriculum collection."""
    Image = get_image_model()
    name = Path(relative_path).stem
    root = Collection.get_first_root_node()
    collection = Collection.objects.filter(name=IMAGE_COLLECTION).first() or root.add_child(name=IMAGE_COLLECTION)
    image = Image.objects.filter(collection=collection, title=name).first()
    if image is None:
        with (CURRICULUM_DIR / relative_path).open("rb") as handle:
            image = Image(title=name, collection=collection, description=alt[:255])
            image.file = File(handle, name=f"curriculum-{name}.svg")
            image.save()
    return image


# -- stream values -------------------------------------------------------------------------


def _block(kind: str, value, block_id: str) -> dict:
    if kind == "text":
        value = text_to_html(value)
    elif kind == "image":
        value = {
            "image": curriculum_image(value["file"], value.get("alt", "")).pk,
            "alt": value["alt"],
            "caption": value.get("caption") or "",
        }
    elif kind == "video":
        value = {
            "video": value["url"],
            "title": value.get("title", ""),
            "transcript": text_to_html(value["transcript"]),
        }
    elif kind == "key_points":
        value = [{"type": "item", "value": point, "id": _id(block_id, i)} for i, point in enumerate(value)]
    elif kind == "scenario":
        value = {
            "situation": value["situation"],
            "question": value["question"],
            "choices": [
                {
                    "type": "item",
                    "id": _id(block_id, i),
                    "value": {
                        "text": choice["text"],
                        "feedback": choice["feedback"],
                        "recommended": bool(choice.get("recommended")),
                    },
                }
                for i, choice in enumerate(value["choices"])
            ],
        }
    elif kind == "helpline":
        value = {"message": value or ""}
    elif kind == "discussion":
        value = {"prompt": value["prompt"], "guidance": value.get("guidance") or ""}
    elif kind == "app_guide":
        value = {
            "checked_on": value["checked_on"].isoformat(),
            "apps": [
                {
                    "type": "item",
                    "id": _id(block_id, i),
                    "value": {
                        "app": app["app"],
                        "block": app["block"].strip(),
                        "report": app["report"].strip(),
                        "privacy": (app.get("privacy") or "").strip(),
                    },
                }
                for i, app in enumerate(value["apps"])
            ],
        }
    return {"type": kind, "value": value, "id": block_id}


def lesson_body(module_key: str, number: int, body: list[dict]) -> list[dict]:
    stream = []
    for index, block in enumerate(body):
        ((kind, value),) = block.items()
        stream.append(_block(kind, value, _id(module_key, number, index)))
    return stream


def _objectives(module: Module, language: str) -> list[dict]:
    return [
        {"type": "objective", "value": text, "id": _id(module.key, "objective", i)}
        for i, text in enumerate(module.data[language]["objectives"])
    ]


def kit_fields(module: Module, language: str) -> dict:
    """The `kit:` section of a module file as the course page's kit fields (empty without one).
    Minutes and `draw` are read from vi.yaml, as are the other values shared by the languages;
    block ids are derived from the module and position, so both languages line up."""
    kit, vi_kit = module.data[language].get("kit"), module.data["vi"].get("kit")
    if not isinstance(kit, dict) or not isinstance(vi_kit, dict):
        return {}
    family = kit.get("family") or {}

    def items(key: str, name: str, values: list) -> list[dict]:
        return [
            {"type": name, "value": str(value).strip(), "id": _id(module.key, "kit", key, i)}
            for i, value in enumerate(values)
        ]

    return {
        "kit_activities": [
            {
                "type": "activity",
                "id": _id(module.key, "kit", "activity", i),
                "value": {
                    "title": str(activity["title"]).strip(),
                    "minutes": vi_kit["activities"][i]["minutes"],
                    "how": str(activity["how"]).strip(),
                },
            }
            for i, activity in enumerate(kit.get("activities") or [])
        ],
        "kit_materials": items("material", "material", kit.get("materials") or []),
        "kit_younger": str(kit.get("younger") or "").strip(),
        "kit_older": str(kit.get("older") or "").strip(),
        "kit_disclosure": str(kit.get("disclosure") or "").strip(),
        "kit_worksheet": [
            {
                "type": "task",
                "id": _id(module.key, "kit", "task", i),
                "value": {
                    "prompt": str(task["prompt"]).strip(),
                    "choices": [
                        {"type": "item", "value": str(choice).strip(), "id": _id(module.key, "kit", "task", i, j)}
                        for j, choice in enumerate(task.get("choices") or [])
                    ],
                    "draw": bool(vi_kit["worksheet"][i].get("draw")),
                },
            }
            for i, task in enumerate(kit.get("worksheet") or [])
        ],
        "kit_family_learned": str(family.get("learned") or "").strip(),
        "kit_at_home": items("at_home", "thing", family.get("at_home") or []),
    }


def course_page(module: Module, language: str) -> CoursePage:
    data, vi = module.data[language], module.data["vi"]
    cover = curriculum_image(vi["cover"], vi.get("cover_alt", "")) if vi.get("cover") else None
    return CoursePage(
        title=data["title"],
        slug=data["slug"],
        summary=data["summary"].strip(),
        audience=vi["audience"],
        age_band=vi.get("age_band") or "",
        estimated_minutes=vi["estimated_minutes"],
        objectives=_objectives(module, language),
        cover_image=cover,
        issues_certificate=bool(vi.get("issues_certificate")),
        certificate_minimum_minutes=vi.get("certificate_minimum_minutes") or 0,
        certificate_valid_years=vi.get("certificate_valid_years") or 0,
        editor_notes="\n".join(vi.get("sources") or []),
        **kit_fields(module, language),
    )


def lesson_page(module: Module, language: str, number: int) -> LessonPage:
    lesson, vi_lesson = module.data[language]["lessons"][number], module.data["vi"]["lessons"][number]
    return LessonPage(
        title=lesson["title"],
        slug=lesson["slug"],
        summary=lesson["summary"].strip(),
        estimated_minutes=vi_lesson["minutes"],
        sensitive=bool(vi_lesson["sensitive"]),
        body=lesson_body(module.key, number, lesson["body"]),
    )


# -- translation through wagtail-localize ----------------------------------------------------


def _strings_by_path(instance) -> dict[str, list[StringSegmentValue]]:
    grouped: dict[str, list[StringSegmentValue]] = {}
    for segment in extract_segments(instance):
        if isinstance(segment, StringSegmentValue):
            grouped.setdefault(segment.path, []).append(segment)
    return grouped


def translate_page(source_page: Page, locale: Locale, translated: Page, only_fields: tuple[str, ...] = ()) -> Page:
    """Create the `locale` translation of `source_page` with wagtail-localize, its strings taken
    from `translated` (an unsaved page of the same shape), and publish it. With `only_fields`,
    only those fields' strings are recorded and only those fields of the translated page are
    written: the rest stays as translators left it (a sync later finds these strings translated).

    The result is a synced wagtail-localize translation: editors see every segment translated,
    and a later change to the Vietnamese page shows up as a segment to translate again."""
    if only_fields:
        source, _created = TranslationSource.update_or_create_from_instance(source_page)
    else:
        source, _created = TranslationSource.get_or_create_from_instance(source_page)
    translation, _created = source.translations.get_or_create(target_locale=locale)
    originals, targets = _strings_by_path(source_page.specific), _strings_by_path(translated)
    for path, segments in originals.items():
        if only_fields and path.split(".")[0] not in only_fields:
            continue
        others = targets.get(path, [])
        if len(others) != len(segments):
            raise TranslationMismatch(
                f"{source_page.slug}: {path} has {len(segments)} segment(s) in the source "
                f"and {len(others)} in {locale}."
            )
        context = TranslationContext.objects.get(object_id=source.object_id, path=path)
        for original, target in zip(segments, others, strict=True):
            string = String.from_value(source.locale, original.string)
            StringTranslation.objects.update_or_create(
                translation_of=string,
                locale=locale,
                context=context,
                defaults={"data": target.string.data, "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL},
            )
    if only_fields:
        page = source_page.get_translation(locale).specific
        for name in only_fields:
            setattr(page, name, getattr(translated, name))
        page.save_revision().publish()
        return page
    # wagtail-localize publishes in transaction.on_commit, with the in-memory page of the moment:
    # inside this loader's transaction that would run last, with stale tree counts, and never in
    # tests. Save a draft, then publish the stored revision now.
    translation.save_target(publish=False)
    page = source_page.get_translation(locale)
    page.latest_revision.publish()
    return page


# -- loading -------------------------------------------------------------------------------


def _publish_child(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _catalogue(home: Page, locales: dict[str, Locale], result: LoadResult) -> CourseIndexPage:
    index = CourseIndexPage.objects.child_of(home).first()
    if index is None:
        index = _publish_child(home, CourseIndexPage(**CATALOGUE["vi"]))
    for language, fields in CATALOGUE.items():
        if language != "vi" and not index.has_translation(locales[language]):
            translate_page(index, locales[language], CourseIndexPage(**fields))
            result.translations += 1
    return index


def _load_module(module: Module, index: CourseIndexPage, locales: dict[str, Locale], result: LoadResult) -> None:
    course = CoursePage.objects.child_of(index).filter(slug=module.data["vi"]["slug"]).first()
    if course is None:
        course = course_page(module, "vi")
        index.add_child(instance=course)
        course.topics.set(Topic.objects.filter(code__in=module.data["vi"]["topics"]))
        course.save_revision().publish()
        result.courses += 1
    else:
        _add_missing_kit(course, module, locales, result)
    lessons = []
    for number, lesson in enumerate(module.data["vi"]["lessons"]):
        page = LessonPage.objects.child_of(course).filter(slug=lesson["slug"]).first()
        if page is None:
            page = _publish_child(course, lesson_page(module, "vi", number))
            result.lessons += 1
        lessons.append((number, page))

    for language, locale in locales.items():
        if language == "vi":
            continue
        if not course.has_translation(locale):
            translated = course_page(module, language)
            translate_page(course, locale, translated)
            result.translations += 1
        for number, page in lessons:
            if not page.has_translation(locale):
                translate_page(page, locale, lesson_page(module, language, number))
                result.translations += 1


def _add_missing_kit(course: CoursePage, module: Module, locales: dict[str, Locale], result: LoadResult) -> None:
    """A module page made before its file had a classroom kit gets the file's kit, in both
    languages, and nothing else of it changes: only where no one has written a kit yet, and
    never over a draft an editor has not published."""
    fields = kit_fields(module, "vi")
    if not fields or course.has_kit or course.kit_activities or course.has_unpublished_changes:
        return
    for name, value in fields.items():
        setattr(course, name, value)
    course.save_revision().publish()
    result.kits += 1
    for language, locale in locales.items():
        translated = course.get_translation_or_none(locale) if language != "vi" else None
        if translated is not None and not translated.specific.has_kit and not translated.has_unpublished_changes:
            translate_page(course, locale, course_page(module, language), only_fields=tuple(fields))


@transaction.atomic
def load_curriculum(home: Page, folders: list[Path] | None = None) -> LoadResult:
    """Create what is missing of the catalogue and the curriculum under the Vietnamese `home`."""
    modules = read_curriculum(folders)
    locales = {code: Locale.objects.get(language_code=code) for code in ("vi", "en")}
    result = LoadResult()
    index = _catalogue(home, locales, result)
    for module in modules:
        _load_module(module, index, locales, result)
    return result


# --- The demo H5P activity ---------------------------------------------------------------------

H5P_DEMO_LESSON = "khi-co-dieu-khong-on"  # 22-pupil-9-11-reporting: "When something online feels wrong"


@transaction.atomic
def load_h5p_demo() -> list[str]:
    """Upload the demo activity in Vietnamese, and its English translation (the same translation
    key, the English package), and place each at the end of the lesson H5P_DEMO_LESSON in its
    language. Idempotent: a lesson that already embeds an activity is left alone, and the same
    package is stored once. Returns the lessons changed."""
    from h5p import packages
    from h5p import services as h5p_services
    from h5p.demo import DEMO_TITLES, demo_max_score, demo_package
    from h5p.models import H5PActivity

    source = LessonPage.objects.filter(slug=H5P_DEMO_LESSON, locale__language_code="vi").first()
    if source is None:
        return []
    changed = []
    original = None
    for locale in Locale.objects.filter(language_code__in=DEMO_TITLES).order_by("-language_code"):  # vi first
        language = locale.language_code
        checked = packages.check_bytes(demo_package(language))
        activity = H5PActivity.objects.filter(package_id=checked.sha256, locale=locale).first()
        if activity is None:
            activity = H5PActivity(locale=locale) if original is None else original.copy_for_translation(locale)
            activity.title = DEMO_TITLES[language]
            activity.max_score = demo_max_score(language)
            activity = h5p_services.activity_save(
                activity=activity, package=checked, filename=f"spot-the-risk.{language}.h5p"
            )
        original = original or activity
        lesson = source.get_translation_or_none(locale)
        if lesson is None or lesson.embedded_h5p_activity_ids():
            continue
        lesson.body.append(("h5p_activity", {"activity": activity, "required": False, "pass_mark_percent": 0}))
        lesson.save_revision().publish()
        changed.append(lesson.url_path)
    return changed
