"""Checking the quizzes of the curriculum files (the `quiz` key of a module; format in
courses/curriculum/README.md). Pure Python, like `courses.curriculum`, so translators can check
their files before anything is loaded."""

from __future__ import annotations

from courses.curriculum import CURRICULUM_DIR, SLUG, CurriculumError, Module, block_parts

from .questions import TYPES

PUPIL_MIN_QUESTIONS = 5
PUPIL_MIN_TYPES = 3
ASSESSMENT_MIN_QUESTIONS = 15
ASSESSMENT_PASS_MARK = 80
ASSESSMENT_MIN_BANK = 40
ASSESSMENT_MIN_SCENARIO_SHARE = 0.7
#: `make lint` fails where the keyed option is the longest in more than this share of a quiz's
#: single-keyed choice items, or where one place holds the keyed option in more than
#: `MAX_SAME_PLACE_SHARE` of them (counted from `MIN_ITEMS_FOR_PLACES` items on).
MAX_LONGEST_KEYED_SHARE = 0.4
MAX_SAME_PLACE_SHARE = 0.5
MIN_ITEMS_FOR_PLACES = 4
QUIZ_SETTINGS = ("questions_per_attempt", "cooldown_after_failures", "cooldown_hours")


def _text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _check_question(question, where: str, problems: list[str], *, lessons: int) -> None:
    if not isinstance(question, dict) or len(question) != 1:
        problems.append(f"{where}: a question is a mapping with one key, like `- single_choice: ...`.")
        return
    kind, value = block_parts(question)
    if kind not in TYPES:
        problems.append(f"{where}: unknown question type `{kind}`; use one of {', '.join(TYPES)}.")
        return
    if not isinstance(value, dict):
        problems.append(f"{where}: `{kind}` needs its fields.")
        return
    if not _text(value.get("explanation")):
        problems.append(f"{where}: every question needs an `explanation`, shown after answering.")
    lesson = value.get("lesson")
    if lesson is not None and (not isinstance(lesson, int) or isinstance(lesson, bool) or not 1 <= lesson <= lessons):
        problems.append(f"{where}: `lesson` is the number of the module's lesson it assesses, from 1 to {lessons}.")
    image = value.get("image")
    if image is not None:
        if not isinstance(image, dict) or not _text(image.get("alt")):
            problems.append(f"{where}: a question's image needs `alt`.")
        elif not (CURRICULUM_DIR / str(image.get("file"))).is_file():
            problems.append(f"{where}: image file {image.get('file')} is missing.")
    TYPES[kind].check(value, where, problems)


def check_quiz(quiz, where: str, *, audience: str, lessons: int = 0) -> list[str]:
    """Everything wrong with one file's quiz, as sentences that say what to fix."""
    if not isinstance(quiz, dict):
        return [f"{where}: `quiz` must be a mapping with slug, title, intro, pass_mark_percent, questions."]
    problems = []
    for key in ("slug", "title", "intro", "questions"):
        if not quiz.get(key):
            problems.append(f"{where}: quiz `{key}` is missing or empty.")
    if quiz.get("slug") and not SLUG.match(str(quiz["slug"])):
        problems.append(f"{where}: quiz slug `{quiz['slug']}` must be lower-case ASCII words joined by hyphens.")
    mark = quiz.get("pass_mark_percent")
    if not isinstance(mark, int) or not 1 <= mark <= 100:
        problems.append(f"{where}: `pass_mark_percent` is a whole number from 1 to 100.")
    questions = quiz.get("questions") or []
    for number, question in enumerate(questions, 1):
        _check_question(question, f"{where}, quiz question {number}", problems, lessons=lessons)
    problems += _check_settings(quiz, questions, where)
    kinds = {block_parts(q)[0] for q in questions if isinstance(q, dict) and q}
    if audience == "pupil" and (len(questions) < PUPIL_MIN_QUESTIONS or len(kinds) < PUPIL_MIN_TYPES):
        problems.append(
            f"{where}: a pupil quiz needs at least {PUPIL_MIN_QUESTIONS} questions of at least {PUPIL_MIN_TYPES} types."
        )
    if audience == "frontline":
        problems += _check_assessment(quiz, questions, where, lessons=lessons)
    return problems


def _values(questions) -> list[dict]:
    return [
        block_parts(q)[1]
        for q in questions
        if isinstance(q, dict) and len(q) == 1 and isinstance(block_parts(q)[1], dict)
    ]


def _check_settings(quiz: dict, questions: list, where: str) -> list[str]:
    problems = []
    for key in QUIZ_SETTINGS:
        value = quiz.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
            problems.append(f"{where}: `{key}` is a whole number of at least 1 (leave it out for none).")
    per_attempt = quiz.get("questions_per_attempt")
    if isinstance(per_attempt, int) and per_attempt:
        values = _values(questions)
        if per_attempt > len(questions):
            problems.append(
                f"{where}: `questions_per_attempt` ({per_attempt}) is more than the {len(questions)} questions."
            )
        if any(not v.get("lesson") for v in values):
            problems.append(
                f"{where}: a quiz that draws `questions_per_attempt` from a bank needs `lesson` on every question, "
                "so that every lesson is assessed in every attempt."
            )
        elif per_attempt < len({v["lesson"] for v in values}):
            problems.append(f"{where}: `questions_per_attempt` must be at least the number of lessons assessed.")
    if (quiz.get("cooldown_hours") is not None) and not quiz.get("cooldown_after_failures"):
        problems.append(f"{where}: `cooldown_hours` needs `cooldown_after_failures`.")
    return problems


def _check_assessment(quiz: dict, questions: list, where: str, *, lessons: int) -> list[str]:
    """The frontline final assessment: a bank that measures competence (issue 17)."""
    problems = []
    values = _values(questions)
    scenarios = sum(1 for q in questions if isinstance(q, dict) and q and block_parts(q)[0] == "scenario")
    per_attempt = quiz.get("questions_per_attempt") or len(questions)
    if quiz.get("pass_mark_percent") != ASSESSMENT_PASS_MARK:
        problems.append(f"{where}: the frontline final assessment has a pass mark of {ASSESSMENT_PASS_MARK}.")
    if len(questions) < ASSESSMENT_MIN_BANK:
        problems.append(
            f"{where}: the frontline final assessment needs a bank of at least {ASSESSMENT_MIN_BANK} questions."
        )
    if questions and scenarios / len(questions) < ASSESSMENT_MIN_SCENARIO_SHARE:
        problems.append(
            f"{where}: at least {ASSESSMENT_MIN_SCENARIO_SHARE:.0%} of the frontline bank are scenarios "
            f"({scenarios} of {len(questions)} now)."
        )
    if per_attempt < ASSESSMENT_MIN_QUESTIONS:
        problems.append(f"{where}: each attempt asks at least {ASSESSMENT_MIN_QUESTIONS} questions.")
    covered = {v.get("lesson") for v in values}
    missing = [n for n in range(1, lessons + 1) if n not in covered]
    if missing:
        problems.append(f"{where}: no question assesses lesson(s) {', '.join(map(str, missing))}.")
    if not quiz.get("cooldown_after_failures"):
        problems.append(
            f"{where}: the frontline final assessment asks to wait after failed attempts (`cooldown_after_failures`)."
        )
    return problems


def assessment_summary(module: Module) -> dict | None:
    """The bank's size, scenario share and per-attempt count of a module's quiz (Vietnamese)."""
    quiz = module.data["vi"].get("quiz")
    if not quiz:
        return None
    questions = quiz.get("questions") or []
    scenarios = sum(1 for q in questions if block_parts(q)[0] == "scenario")
    return {
        "bank": len(questions),
        "scenarios": scenarios,
        "per_attempt": quiz.get("questions_per_attempt") or len(questions),
    }


def question_shape(question: dict) -> tuple:
    kind, value = block_parts(question)
    value = value if isinstance(value, dict) else {}
    image = (value.get("image") or {}).get("file")
    own = TYPES[kind].shape(value) if kind in TYPES else None
    return (kind, image, value.get("lesson"), own)


def quiz_problems(module: Module) -> list[str]:
    """Problems of a module's quizzes in both languages, including their shape agreeing."""
    vi, en = module.data["vi"].get("quiz"), module.data["en"].get("quiz")
    if vi is None and en is None:
        return []
    if vi is None or en is None:
        return [f"{module.key}: the quiz is in one language only; write it in vi.yaml and en.yaml."]
    audience = module.data["vi"]["audience"]
    lessons = len(module.data["vi"].get("lessons") or [])
    problems = check_quiz(vi, f"{module.key}/vi.yaml", audience=audience, lessons=lessons)
    problems += check_quiz(en, f"{module.key}/en.yaml", audience=audience, lessons=lessons)
    if problems:
        return problems
    for key in ("pass_mark_percent", *QUIZ_SETTINGS):
        if vi.get(key) != en.get(key):
            problems.append(f"{module.key}: the quiz's `{key}` differs between the languages.")
    vi_q, en_q = vi["questions"], en["questions"]
    if len(vi_q) != len(en_q):
        problems.append(f"{module.key}: the quiz has {len(vi_q)} questions in vi, {len(en_q)} in en.")
    for number, (a, b) in enumerate(zip(vi_q, en_q, strict=False), 1):
        if question_shape(a) != question_shape(b):
            problems.append(
                f"{module.key}, quiz question {number}: the shape differs between the languages "
                f"(vi {question_shape(a)}, en {question_shape(b)})."
            )
    return problems


def check_quizzes(modules: list[Module]) -> None:
    """Raise CurriculumError listing every problem of every module's quiz."""
    problems = [problem for module in modules for problem in quiz_problems(module)]
    if problems:
        raise CurriculumError(problems)


# --- How predictable the keyed answers are -------------------------------------------------------


def keyed_answers(module: Module, language: str = "vi") -> dict:
    """For the module's quiz in `language`: how many choice items have one keyed answer (the
    right choice, the best-scored option), in how many of them it is the longest option, and at
    which place (1-based) it stands, counted per place. A learner who always picks the longest
    option, or always the same place, should not pass."""
    quiz = module.data[language].get("quiz") or {}
    items = longest = 0
    places: dict[int, int] = {}
    for question in quiz.get("questions") or []:
        kind, value = block_parts(question)
        keyed = TYPES[kind].keyed(value) if kind in TYPES and isinstance(value, dict) else None
        if keyed is None:
            continue
        texts, index = keyed
        items += 1
        lengths = [len(t) for t in texts]
        if lengths[index] == max(lengths) and lengths.count(max(lengths)) == 1:
            longest += 1
        places[index + 1] = places.get(index + 1, 0) + 1
    return {"items": items, "longest": longest, "places": dict(sorted(places.items()))}


def predictability_problems(module: Module) -> list[str]:
    """Where the keyed answers of a module's quiz can be guessed without knowing them: the
    longest option keyed in more than 40 % of its choice items, or one place in more than half."""
    problems = []
    for language in ("vi", "en"):
        keyed = keyed_answers(module, language)
        if not keyed["items"]:
            continue
        where = f"{module.key}/{language}.yaml"
        share = keyed["longest"] / keyed["items"]
        if share > MAX_LONGEST_KEYED_SHARE:
            problems.append(
                f"{where}: the keyed option is the longest in {keyed['longest']} of {keyed['items']} choice items "
                f"({share:.0%}; at most {MAX_LONGEST_KEYED_SHARE:.0%}). "
                "Make the other options as full, or the keyed one shorter."
            )
        top = max(keyed["places"].values())
        if keyed["items"] >= MIN_ITEMS_FOR_PLACES and top / keyed["items"] > MAX_SAME_PLACE_SHARE:
            place = max(keyed["places"], key=keyed["places"].get)
            problems.append(
                f"{where}: the keyed option stands at place {place} in {top} of {keyed['items']} choice items; "
                "spread it over the places."
            )
    return problems
