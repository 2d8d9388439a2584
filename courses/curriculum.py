"""Reading the starter curriculum from its data files (see courses/curriculum/README.md).

This module knows YAML and the file format only; it imports nothing from Django, so that a
translator can check their files with `scripts/check_curriculum.py` before anything is loaded.
`courses.demo` turns what it returns into pages.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

CURRICULUM_DIR = Path(__file__).resolve().parent / "curriculum"
MODULES_DIR = CURRICULUM_DIR / "modules"
LANGUAGES = ("vi", "en")

AUDIENCES = {"pupil", "caregiver", "teacher", "frontline"}
AGE_BANDS = {"6-8", "9-11", "12-14", "15-17"}
TOPICS = {
    "privacy",
    "screen_time",
    "reporting",
    "cyberbullying",
    "grooming",
    "image_sharing",
    "scams",
    "wellbeing",
}
BLOCK_TYPES = {
    "heading",
    "text",
    "image",
    "video",
    "tip",
    "key_points",
    "scenario",
    "helpline",
    "discussion",
    "app_guide",
}
# Lessons for everyone but the youngest pupils carry real reading (the issue asks 300 words).
MIN_WORDS = 300
SHORT_LESSON_AGE_BAND = "6-8"
MIN_LESSONS = 3

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Values that are the same in every language; they are read from the Vietnamese file.
SHARED_COURSE_KEYS = (
    "audience",
    "age_band",
    "topics",
    "estimated_minutes",
    "cover",
    "issues_certificate",
    "certificate_minimum_minutes",
    "certificate_valid_years",
)
SHARED_LESSON_KEYS = ("sensitive", "minutes")


class CurriculumError(Exception):
    """A module's files cannot be loaded; `problems` lists every reason, one a line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class Module:
    """One module in every language: `folder` names it, `data[language]` is the parsed file."""

    folder: Path
    data: dict[str, dict] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.folder.name


# -- text ------------------------------------------------------------------------------------

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])")
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")


def _inline(text: str) -> str:
    out = html.escape(text.strip(), quote=False)
    out = _LINK.sub(lambda m: f'<a href="{m.group(2).replace(chr(34), "%22")}">{m.group(1)}</a>', out)
    out = _BOLD.sub(r"<b>\1</b>", out)
    return _ITALIC.sub(r"<i>\1</i>", out)


def text_parts(text: str) -> list[tuple[str, list[str]]]:
    """Split a `text` block into ("p", [paragraph]) and ("ul", [items]) parts, in order."""
    parts: list[tuple[str, list[str]]] = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        paragraph: list[str] = []
        in_list = False
        for line in (line.strip() for line in chunk.splitlines()):
            if not line:
                continue
            if line.startswith("- "):
                if paragraph:
                    parts.append(("p", [" ".join(paragraph)]))
                    paragraph = []
                if in_list:
                    parts[-1][1].append(line[2:])
                else:
                    parts.append(("ul", [line[2:]]))
                in_list = True
            elif in_list:
                # A long bullet item wrapped onto the next line.
                parts[-1][1][-1] += " " + line
            else:
                paragraph.append(line)
        if paragraph:
            parts.append(("p", [" ".join(paragraph)]))
    return parts


def text_to_html(text: str) -> str:
    """The small Markdown subset of the curriculum files as Wagtail rich text HTML."""
    out = []
    for kind, items in text_parts(text):
        if kind == "p":
            out.append(f"<p>{_inline(items[0])}</p>")
        else:
            out.append("<ul>" + "".join(f"<li>{_inline(item)}</li>" for item in items) + "</ul>")
    return "".join(out)


def _text_shape(text: str) -> list[tuple[str, int]]:
    return [(kind, len(items)) for kind, items in text_parts(text)]


# -- shape and words -----------------------------------------------------------------------


def block_parts(block: dict) -> tuple[str, object]:
    kind, value = next(iter(block.items()))
    return kind, value


def _block_shape(block: dict) -> tuple:
    kind, value = block_parts(block)
    if kind == "text":
        return (kind, tuple(_text_shape(value or "")))
    if kind == "key_points":
        return (kind, len(value or []))
    if kind == "scenario":
        choices = (value or {}).get("choices") or []
        return (kind, tuple(bool(c.get("recommended")) for c in choices))
    if kind == "image":
        return (kind, (value or {}).get("file"))
    if kind == "discussion":
        return (kind, bool((value or {}).get("guidance")))
    if kind == "app_guide":
        value = value if isinstance(value, dict) else {}
        apps = tuple((a.get("app"), bool(a.get("privacy"))) for a in value.get("apps") or [] if isinstance(a, dict))
        return (kind, str(value.get("checked_on")), apps)
    return (kind,)


def module_shape(data: dict) -> tuple:
    """What must agree between the languages of a module: lessons, blocks, list lengths."""
    lessons = []
    for lesson in data.get("lessons") or []:
        shared = tuple(lesson.get(key) for key in SHARED_LESSON_KEYS)
        blocks = tuple(_block_shape(b) for b in lesson.get("body") or [] if isinstance(b, dict))
        lessons.append((shared, blocks))
    course = tuple(repr(data.get(key)) for key in SHARED_COURSE_KEYS)
    return (course, len(data.get("objectives") or []), tuple(lessons), kit_shape(data.get("kit")))


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, v in value.items() if key not in ("file", "url") for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def lesson_words(lesson: dict) -> int:
    """Words a learner reads in a lesson (its body; Vietnamese counts syllables, as written)."""
    return sum(len(s.split()) for s in _strings(lesson.get("body") or []))


# -- the classroom kit (courses.kit; the format is in courses/curriculum/README.md) -----------

KIT_PERIOD_MINUTES = 45
KIT_MIN_ACTIVITY_MINUTES = 2
KIT_ACTIVITIES = (4, 7)
KIT_MATERIALS = (2, 5)
KIT_TASKS = (3, 5)
KIT_CHOICES = (2, 4)
KIT_AT_HOME = 3
KIT_TEXT_KEYS = ("younger", "older")


def _text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def kit_shape(kit) -> tuple | None:
    """What must agree between the languages of a module's kit (the minutes are read from vi)."""
    if not isinstance(kit, dict):
        return None
    activities = kit.get("activities") or []
    tasks = kit.get("worksheet") or []
    family = kit.get("family") if isinstance(kit.get("family"), dict) else {}
    return (
        tuple(a.get("minutes") if isinstance(a, dict) else None for a in activities),
        len(kit.get("materials") or []),
        bool(kit.get("disclosure")),
        tuple((len(t.get("choices") or []), bool(t.get("draw"))) if isinstance(t, dict) else None for t in tasks),
        len(family.get("at_home") or []),
    )


def kit_problems(kit, where: str) -> list[str]:
    """Everything wrong with a module file's `kit:` section, as sentences that say what to fix."""
    where = f"{where}, kit"
    if not isinstance(kit, dict):
        return [f"{where}: `kit` is a mapping of `activities`, `materials`, `younger`, `older`, `worksheet`, `family`."]
    problems = []
    unknown = set(kit) - {"activities", "materials", "younger", "older", "disclosure", "worksheet", "family"}
    if unknown:
        problems.append(f"{where}: unknown keys {', '.join(sorted(unknown))}.")
    activities = kit.get("activities") or []
    low, high = KIT_ACTIVITIES
    if not (isinstance(activities, list) and low <= len(activities) <= high):
        problems.append(f"{where}: {low} to {high} `activities`, in the order of the lessons.")
        activities = activities if isinstance(activities, list) else []
    minutes = []
    for number, activity in enumerate(activities, 1):
        at = f"{where}, activity {number}"
        if not isinstance(activity, dict) or not (_text(activity.get("title")) and _text(activity.get("how"))):
            problems.append(f"{at}: each activity needs `title`, `minutes` and `how`.")
            continue
        value = activity.get("minutes")
        if not isinstance(value, int) or isinstance(value, bool) or value < KIT_MIN_ACTIVITY_MINUTES:
            problems.append(f"{at}: `minutes` is a whole number, at least {KIT_MIN_ACTIVITY_MINUTES}.")
        else:
            minutes.append(value)
    if minutes and len(minutes) == len(activities) and sum(minutes) != KIT_PERIOD_MINUTES:
        problems.append(
            f"{where}: the activities add up to {sum(minutes)} minutes; make them add up to exactly "
            f"{KIT_PERIOD_MINUTES} (the 35-minute plan is scaled from them)."
        )
    materials = kit.get("materials") or []
    low, high = KIT_MATERIALS
    if not (isinstance(materials, list) and low <= len(materials) <= high and all(_text(m) for m in materials)):
        problems.append(f"{where}: `materials` lists {low} to {high} things to prepare, one a line.")
    for key in KIT_TEXT_KEYS:
        if not _text(kit.get(key)):
            problems.append(f"{where}: `{key}` is missing or empty.")
    if "disclosure" in kit and not _text(kit.get("disclosure")):
        problems.append(f"{where}: `disclosure` is optional; when given, it needs text.")
    tasks = kit.get("worksheet") or []
    low, high = KIT_TASKS
    if not (isinstance(tasks, list) and low <= len(tasks) <= high):
        problems.append(f"{where}: `worksheet` has {low} to {high} tasks.")
        tasks = tasks if isinstance(tasks, list) else []
    for number, task in enumerate(tasks, 1):
        at = f"{where}, worksheet task {number}"
        if not isinstance(task, dict) or not _text(task.get("prompt")):
            problems.append(f"{at}: each task needs a `prompt`.")
            continue
        unknown = set(task) - {"prompt", "choices", "draw"}
        if unknown:
            problems.append(f"{at}: unknown keys {', '.join(sorted(unknown))}; a task has `prompt`, `choices`, `draw`.")
        choices = task.get("choices")
        low, high = KIT_CHOICES
        if choices is not None and not (
            isinstance(choices, list) and low <= len(choices) <= high and all(_text(str(c)) for c in choices)
        ):
            problems.append(f"{at}: `choices` lists {low} to {high} tick-box choices.")
        if choices and task.get("draw"):
            problems.append(f"{at}: a task has tick-box `choices` or a box to `draw` in, not both.")
        if "draw" in task and not isinstance(task.get("draw"), bool):
            problems.append(f"{at}: `draw` is true or false.")
    family = kit.get("family")
    if not isinstance(family, dict):
        problems.append(f"{where}: `family` needs `learned` and `at_home`.")
    else:
        if not _text(family.get("learned")):
            problems.append(f"{where}: `family.learned` is missing or empty.")
        at_home = family.get("at_home") or []
        if not (isinstance(at_home, list) and len(at_home) == KIT_AT_HOME and all(_text(t) for t in at_home)):
            problems.append(f"{where}: `family.at_home` lists exactly {KIT_AT_HOME} things to do at home this week.")
    return problems


def kit_strings(kit) -> list[str]:
    """Every text of a kit, for the checks of facts and wording."""
    return _strings(kit) if isinstance(kit, dict) else []


# -- reading and checking ------------------------------------------------------------------


def _check_block(block, where: str, problems: list[str]) -> None:
    if not isinstance(block, dict) or len(block) != 1:
        problems.append(f"{where}: a block is a mapping with exactly one key, like `- text: ...`.")
        return
    kind, value = block_parts(block)
    if kind not in BLOCK_TYPES:
        problems.append(f"{where}: unknown block `{kind}`; use one of {', '.join(sorted(BLOCK_TYPES))}.")
        return
    if kind in ("heading", "tip", "text") and not (isinstance(value, str) and value.strip()):
        problems.append(f"{where}: `{kind}` needs text.")
    if (
        kind == "text"
        and isinstance(value, str)
        and (re.search(r"^\s*#", value, re.M) or re.search(r"<[a-zA-Z/]", value))
    ):
        problems.append(f"{where}: no headings or HTML inside `text`; use a `heading` block.")
    if kind == "helpline" and value is not None and not isinstance(value, str):
        problems.append(f"{where}: `helpline` takes one optional line of text.")
    if kind == "key_points" and not (
        isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value)
    ):
        problems.append(f"{where}: `key_points` is a list of short texts.")
    if kind == "image":
        if not isinstance(value, dict) or not str(value.get("alt") or "").strip():
            problems.append(f"{where}: every image needs `alt`: say what the picture shows.")
        elif not (CURRICULUM_DIR / str(value.get("file"))).is_file():
            problems.append(f"{where}: image file {value.get('file')} is missing.")
    if kind == "video" and not (isinstance(value, dict) and value.get("url") and value.get("transcript")):
        problems.append(f"{where}: a video needs `url` and `transcript`.")
    if kind == "discussion" and not (isinstance(value, dict) and str(value.get("prompt") or "").strip()):
        problems.append(f"{where}: `discussion` needs a `prompt`.")
    if kind == "app_guide":
        value = value if isinstance(value, dict) else {}
        if not isinstance(value.get("checked_on"), date):
            problems.append(f"{where}: `app_guide` needs `checked_on: YYYY-MM-DD`, the day the steps were checked.")
        apps = value.get("apps") or []
        if not apps:
            problems.append(f"{where}: `app_guide` lists `apps`, each with `app`, `block` and `report`.")
        for number, app in enumerate(apps, 1):
            if not (isinstance(app, dict) and all(str(app.get(k) or "").strip() for k in ("app", "block", "report"))):
                problems.append(f"{where}, app {number}: each app needs `app`, `block` and `report`.")
    if kind == "scenario":
        value = value if isinstance(value, dict) else {}
        choices = value.get("choices") or []
        if not str(value.get("situation") or "").strip() or not str(value.get("question") or "").strip():
            problems.append(f"{where}: a scenario needs `situation` and `question`.")
        if len(choices) < 2:
            problems.append(f"{where}: a scenario needs at least two choices.")
        for number, choice in enumerate(choices, 1):
            if not (isinstance(choice, dict) and choice.get("text") and choice.get("feedback")):
                problems.append(f"{where}, choice {number}: each choice needs `text` and `feedback`.")
        if choices and not any(isinstance(c, dict) and c.get("recommended") for c in choices):
            problems.append(f"{where}: mark at least one choice `recommended: true`.")


def check_file(data, where: str) -> list[str]:
    """Everything wrong with one parsed module file, as sentences that say what to fix."""
    problems: list[str] = []
    if not isinstance(data, dict):
        return [f"{where}: the file must be a mapping of course fields."]
    for key in ("slug", "title", "summary", "audience", "topics", "estimated_minutes", "objectives", "lessons"):
        if not data.get(key):
            problems.append(f"{where}: `{key}` is missing or empty.")
    if data.get("slug") and not SLUG.match(str(data["slug"])):
        problems.append(f"{where}: slug `{data['slug']}` must be lower-case ASCII words joined by hyphens.")
    audience = data.get("audience")
    if audience and audience not in AUDIENCES:
        problems.append(f"{where}: audience must be one of {', '.join(sorted(AUDIENCES))}.")
    age_band = data.get("age_band")
    if audience == "pupil" and age_band not in AGE_BANDS:
        problems.append(f"{where}: a pupil module needs age_band, one of {', '.join(sorted(AGE_BANDS))}.")
    if audience and audience != "pupil" and age_band:
        problems.append(f"{where}: only pupil modules have an age_band.")
    if audience == "pupil" and data.get("issues_certificate"):
        problems.append(f"{where}: pupil modules do not issue certificates.")
    unknown = set(data.get("topics") or []) - TOPICS
    if unknown:
        problems.append(f"{where}: unknown topics {', '.join(sorted(unknown))}; use {', '.join(sorted(TOPICS))}.")
    if data.get("cover") and not (CURRICULUM_DIR / str(data["cover"])).is_file():
        problems.append(f"{where}: cover image {data['cover']} is missing.")
    lessons = data.get("lessons") or []
    if len(lessons) < MIN_LESSONS:
        problems.append(f"{where}: a module needs at least {MIN_LESSONS} lessons.")
    slugs = [lesson.get("slug") for lesson in lessons if isinstance(lesson, dict)]
    if len(set(slugs)) != len(slugs):
        problems.append(f"{where}: lesson slugs must be unique within the module.")
    for number, lesson in enumerate(lessons, 1):
        at = f"{where}, lesson {number}"
        if not isinstance(lesson, dict):
            problems.append(f"{at}: a lesson is a mapping.")
            continue
        for key in ("slug", "title", "summary", "body"):
            if not lesson.get(key):
                problems.append(f"{at}: `{key}` is missing or empty.")
        if lesson.get("slug") and not SLUG.match(str(lesson["slug"])):
            problems.append(f"{at}: slug `{lesson['slug']}` must be lower-case ASCII words joined by hyphens.")
        for key in SHARED_LESSON_KEYS:
            if key not in lesson:
                problems.append(f"{at}: `{key}` is missing.")
        for index, block in enumerate(lesson.get("body") or [], 1):
            _check_block(block, f"{at}, block {index}", problems)
        if age_band != SHORT_LESSON_AGE_BAND and lesson.get("body"):
            words = lesson_words(lesson)
            if words < MIN_WORDS:
                problems.append(f"{at}: {words} words; lessons for this audience need at least {MIN_WORDS}.")
    if lessons and isinstance(lessons[-1], dict):
        last = [block_parts(b)[0] for b in lessons[-1].get("body") or [] if isinstance(b, dict) and b]
        if "helpline" not in last:
            problems.append(f"{where}: the last lesson must end the module with a `helpline` block.")
    if "kit" in data:
        if audience != "pupil":
            problems.append(f"{where}: only pupil modules have a `kit`.")
        else:
            problems.extend(kit_problems(data.get("kit"), where))
    return problems


def read_module(folder: Path) -> Module:
    """Parse and check both languages of one module; raise CurriculumError listing every problem."""
    module = Module(folder=folder)
    problems: list[str] = []
    for language in LANGUAGES:
        path = folder / f"{language}.yaml"
        where = f"{folder.name}/{language}.yaml"
        if not path.is_file():
            problems.append(f"{where}: the file is missing.")
            continue
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            problems.append(f"{where}: not valid YAML: {error}")
            continue
        problems.extend(check_file(data, where))
        module.data[language] = data
    if not problems:
        vi, en = module.data["vi"], module.data["en"]
        if module_shape(vi) != module_shape(en):
            problems.extend(_shape_differences(folder.name, vi, en))
    if problems:
        raise CurriculumError(problems)
    return module


def _shape_differences(name: str, vi: dict, en: dict) -> list[str]:
    problems = []
    for key in SHARED_COURSE_KEYS:
        if vi.get(key) != en.get(key):
            problems.append(f"{name}: `{key}` differs between vi.yaml and en.yaml.")
    if len(vi.get("objectives") or []) != len(en.get("objectives") or []):
        problems.append(f"{name}: the number of objectives differs between the languages.")
    vi_lessons, en_lessons = vi.get("lessons") or [], en.get("lessons") or []
    if len(vi_lessons) != len(en_lessons):
        problems.append(f"{name}: vi.yaml has {len(vi_lessons)} lessons, en.yaml {len(en_lessons)}.")
    for number, (a, b) in enumerate(zip(vi_lessons, en_lessons, strict=False), 1):
        for key in SHARED_LESSON_KEYS:
            if a.get(key) != b.get(key):
                problems.append(f"{name}, lesson {number}: `{key}` differs between the languages.")
        body_a, body_b = a.get("body") or [], b.get("body") or []
        if len(body_a) != len(body_b):
            problems.append(f"{name}, lesson {number}: {len(body_a)} blocks in vi, {len(body_b)} in en.")
        for index, (x, y) in enumerate(zip(body_a, body_b, strict=False), 1):
            if _block_shape(x) != _block_shape(y):
                problems.append(
                    f"{name}, lesson {number}, block {index}: the shape differs "
                    f"(vi {_block_shape(x)}, en {_block_shape(y)}): same block type, same number "
                    "of paragraphs, bullet items, points and choices in both languages."
                )
    if kit_shape(vi.get("kit")) != kit_shape(en.get("kit")):
        problems.append(
            f"{name}: the `kit` differs in shape between vi.yaml and en.yaml (vi {kit_shape(vi.get('kit'))}, "
            f"en {kit_shape(en.get('kit'))}): the same activities with the same minutes, the same number of "
            "materials, worksheet tasks, choices and things to do at home, `draw` and `disclosure` in both or neither."
        )
    return problems or [f"{name}: the two languages differ in shape."]


def module_folders(root: Path = MODULES_DIR) -> list[Path]:
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def read_curriculum(folders: list[Path] | None = None) -> list[Module]:
    """Every module, in catalogue order; CurriculumError lists every problem of every file."""
    modules, problems = [], []
    for folder in folders if folders is not None else module_folders():
        try:
            modules.append(read_module(folder))
        except CurriculumError as error:
            problems.extend(error.problems)
    for language in LANGUAGES:
        seen: dict[str, str] = {}
        for module in modules:
            slug = module.data[language]["slug"]
            if slug in seen:
                problems.append(f"{module.key}/{language}.yaml: slug `{slug}` is also used by {seen[slug]}.")
            seen[slug] = module.key
    if problems:
        raise CurriculumError(problems)
    return modules


# -- facts, wording and reading level (issue 17: checked by scripts/check_curriculum.py) -------

HELPLINE_NAME = {"vi": "Tổng đài điện thoại quốc gia bảo vệ trẻ em 111", "en": "National Child Protection Hotline 111"}
# Claims about 111 that none of the background documents makes: free of charge, open all hours.
_UNSOURCED = {
    "vi": r"miễn phí|24/7|24 giờ|cả ngày lẫn đêm|ngày và đêm|suốt ngày đêm|ngày đêm|bất kể giờ nào",
    "en": r"\bfree\b|24/7|24 hours|day and night|day or night|around the clock|any time of (?:the )?day",
}
MAX_SENTENCE_SYLLABLES = {"9-11": 24}
APP_GUIDE_TOPICS = {"reporting", "privacy"}
_SENTENCE = re.compile(r"(?<=[.!?…])\s+|\n+")


def _unsourced_claims(text: str, language: str) -> list[str]:
    claim = _UNSOURCED[language]
    near = re.compile(rf"111[^.!?\n]{{0,80}}(?:{claim})|(?:{claim})[^.!?\n]{{0,80}}111", re.IGNORECASE)
    return [match.group(0) for match in near.finditer(text)]


def _sentences(text: str) -> list[str]:
    out = []
    for line in _SENTENCE.split(text):
        line = re.sub(r"^\s*-\s+", "", line).strip()
        if line:
            out.append(line)
    return out


def content_problems(module: Module, glossary=None) -> list[str]:
    """Facts, wording and reading level of a module's lessons and quiz, as sentences that say
    what to fix: a lesson with numbers, phone services or legal references and no `sources`;
    111 said to be free or open all hours (no source says so); the helpline never named by its
    official name; sentences too long for 9-11-year-olds; no "where the buttons are" box in a
    reporting, privacy or caregiver module; a term the glossary says not to use; a pupil module
    without its classroom `kit` (its rules are checked as the file is read: `kit_problems`), or whose
    kit says 111 is free or open all hours, or whose family text mentions 111 without its name."""
    problems = []
    vi = module.data["vi"]
    for language in LANGUAGES:
        data = module.data[language]
        where = f"{module.key}/{language}.yaml"
        everything = " ".join(_strings([data.get("summary"), data.get("lessons"), data.get("quiz")]))
        if data.get("audience") == "pupil" or vi.get("audience") == "pupil":
            if not isinstance(data.get("kit"), dict):
                problems.append(
                    f"{where}: a pupil module needs its classroom `kit` (lesson plan, worksheet, family page): "
                    "see courses/curriculum/README.md."
                )
            kit_text = " ".join(kit_strings(data.get("kit")))
            for claim in _unsourced_claims(kit_text, language):
                problems.append(
                    f"{where}, kit: “{claim}”: no source says 111 is free or open all hours; say what it is for."
                )
            kit = data.get("kit")
            family_text = " ".join(_strings(kit.get("family"))) if isinstance(kit, dict) else ""
            if language == "vi" and "111" in family_text and HELPLINE_NAME[language].lower() not in family_text.lower():
                problems.append(
                    f"{where}, kit: the family text names the helpline by its official name the first time, "
                    f"“{HELPLINE_NAME[language]}”."
                )
        for claim in _unsourced_claims(everything, language):
            problems.append(
                f"{where}: “{claim}”: no source says 111 is free or open all hours; say what it is for instead."
            )
        if HELPLINE_NAME[language].lower() not in everything.lower():
            problems.append(f"{where}: name the helpline once by its official name, “{HELPLINE_NAME[language]}”.")
    for number, lesson in enumerate(vi.get("lessons") or [], 1):
        where = f"{module.key}/vi.yaml, lesson {number}"
        text = " ".join(_strings([lesson.get("title"), lesson.get("summary"), lesson.get("body")]))
        sources = lesson.get("sources")
        if re.search(r"\d", text) and not (
            isinstance(sources, list) and sources and all(isinstance(s, str) and s.strip() for s in sources)
        ):
            problems.append(
                f"{where}: it has numbers, phone services or legal references but no `sources:` (the background "
                "document and line, or an official public source by name and date)."
            )
        limit = MAX_SENTENCE_SYLLABLES.get(vi.get("age_band") or "")
        if limit:
            for sentence in _sentences(" ".join(_strings(lesson.get("body") or []))):
                if len(sentence.split()) > limit:
                    problems.append(
                        f"{where}: a sentence of {len(sentence.split())} syllables (at most {limit} for this age): "
                        f"“{sentence[:80]}…”"
                    )
    needs_guide = vi.get("audience") == "caregiver" or (
        vi.get("audience") == "pupil" and APP_GUIDE_TOPICS & set(vi.get("topics") or [])
    )
    kinds = {block_parts(b)[0] for lesson in vi.get("lessons") or [] for b in lesson.get("body") or [] if b}
    if needs_guide and "app_guide" not in kinds:
        problems.append(f"{module.key}: a reporting, privacy or caregiver module has a dated `app_guide` box.")
    if glossary:
        from itertools import chain

        texts = chain(
            _strings([vi.get("title"), vi.get("summary"), vi.get("objectives")]),
            _strings([vi.get("lessons"), vi.get("quiz")]),
            kit_strings(vi.get("kit")),
        )
        for text in texts:
            for avoid, term in glossary(text):
                problems.append(
                    f"{module.key}/vi.yaml: “{avoid}” for {term.concept}; use “{' / '.join(term.use)}” "
                    f"(locale/GLOSSARY.md): “{text[:60]}…”"
                )
    return problems
