"""Checking the quizzes of the curriculum files (the `quiz` key of a module; format in
courses/curriculum/README.md). Pure Python, like `courses.curriculum`, so translators can check
their files before anything is loaded."""

from __future__ import annotations

from courses.curriculum import CURRICULUM_DIR, SLUG, CurriculumError, Module, block_parts

QUESTION_TYPES = ("single_choice", "multiple_choice", "true_false", "ordering", "matching", "scenario")
PUPIL_MIN_QUESTIONS = 5
PUPIL_MIN_TYPES = 3
ASSESSMENT_MIN_QUESTIONS = 15
ASSESSMENT_PASS_MARK = 80


def _text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _check_question(question, where: str, problems: list[str]) -> None:
    if not isinstance(question, dict) or len(question) != 1:
        problems.append(f"{where}: a question is a mapping with one key, like `- single_choice: ...`.")
        return
    kind, value = block_parts(question)
    if kind not in QUESTION_TYPES:
        problems.append(f"{where}: unknown question type `{kind}`; use one of {', '.join(QUESTION_TYPES)}.")
        return
    if not isinstance(value, dict):
        problems.append(f"{where}: `{kind}` needs its fields.")
        return
    if not _text(value.get("explanation")):
        problems.append(f"{where}: every question needs an `explanation`, shown after answering.")
    image = value.get("image")
    if image is not None:
        if not isinstance(image, dict) or not _text(image.get("alt")):
            problems.append(f"{where}: a question's image needs `alt`.")
        elif not (CURRICULUM_DIR / str(image.get("file"))).is_file():
            problems.append(f"{where}: image file {image.get('file')} is missing.")
    if kind in ("single_choice", "multiple_choice"):
        choices = value.get("choices") or []
        if not _text(value.get("question")):
            problems.append(f"{where}: `question` is missing.")
        if not 2 <= len(choices) <= 6:
            problems.append(f"{where}: give 2 to 6 choices.")
        for number, choice in enumerate(choices, 1):
            if not (isinstance(choice, dict) and _text(choice.get("text")) and _text(choice.get("feedback"))):
                problems.append(f"{where}, choice {number}: each choice needs `text` and `feedback`.")
        correct = sum(1 for c in choices if isinstance(c, dict) and c.get("correct") is True)
        if kind == "single_choice" and correct != 1:
            problems.append(f"{where}: a single-choice question has exactly one `correct: true`.")
        if kind == "multiple_choice" and not (2 <= correct < len(choices)):
            problems.append(f"{where}: a multiple-choice question has at least two correct choices and one wrong.")
    elif kind == "true_false":
        if not _text(value.get("statement")) or not isinstance(value.get("answer"), bool):
            problems.append(f"{where}: a true/false question needs `statement` and `answer: true|false`.")
    elif kind == "ordering":
        steps = value.get("steps") or []
        if not _text(value.get("question")) or not 3 <= len(steps) <= 6 or not all(_text(s) for s in steps):
            problems.append(f"{where}: an ordering question needs `question` and 3 to 6 `steps` in the right order.")
        elif len(set(steps)) != len(steps):
            problems.append(f"{where}: the steps must all be different.")
    elif kind == "matching":
        pairs = value.get("pairs") or []
        ok = all(isinstance(p, dict) and _text(p.get("item")) and _text(p.get("match")) for p in pairs)
        if not _text(value.get("question")) or not 3 <= len(pairs) <= 6 or not ok:
            problems.append(f"{where}: a matching question needs `question` and 3 to 6 `pairs` of `item` and `match`.")
        elif len({p["match"] for p in pairs}) != len(pairs):
            problems.append(f"{where}: each pair needs a different `match`.")
    elif kind == "scenario":
        options = value.get("options") or []
        if not _text(value.get("situation")) or not _text(value.get("question")):
            problems.append(f"{where}: a scenario needs `situation` and `question`.")
        if not 2 <= len(options) <= 5:
            problems.append(f"{where}: give 2 to 5 options.")
        for number, option in enumerate(options, 1):
            if not (isinstance(option, dict) and _text(option.get("text")) and _text(option.get("feedback"))):
                problems.append(f"{where}, option {number}: each option needs `text` and `feedback`.")
            elif option.get("score") not in (0, 1, 2):
                problems.append(f"{where}, option {number}: `score` is 0, 1 or 2.")
        if options and max((o.get("score") or 0) for o in options if isinstance(o, dict)) != 2:
            problems.append(f"{where}: at least one option scores 2 (the best thing to do).")


def check_quiz(quiz, where: str, *, audience: str) -> list[str]:
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
        _check_question(question, f"{where}, quiz question {number}", problems)
    kinds = {block_parts(q)[0] for q in questions if isinstance(q, dict) and q}
    if audience == "pupil" and (len(questions) < PUPIL_MIN_QUESTIONS or len(kinds) < PUPIL_MIN_TYPES):
        problems.append(
            f"{where}: a pupil quiz needs at least {PUPIL_MIN_QUESTIONS} questions of at least {PUPIL_MIN_TYPES} types."
        )
    if audience == "frontline" and (len(questions) < ASSESSMENT_MIN_QUESTIONS or mark != ASSESSMENT_PASS_MARK):
        problems.append(
            f"{where}: the frontline final assessment needs at least {ASSESSMENT_MIN_QUESTIONS} "
            f"questions and a pass mark of {ASSESSMENT_PASS_MARK}."
        )
    return problems


def question_shape(question: dict) -> tuple:
    kind, value = block_parts(question)
    value = value if isinstance(value, dict) else {}
    image = (value.get("image") or {}).get("file")
    if kind in ("single_choice", "multiple_choice"):
        return (kind, image, tuple(bool(c.get("correct")) for c in value.get("choices") or []))
    if kind == "true_false":
        return (kind, image, value.get("answer"))
    if kind == "ordering":
        return (kind, image, len(value.get("steps") or []))
    if kind == "matching":
        return (kind, image, len(value.get("pairs") or []))
    return (kind, image, tuple(o.get("score") for o in value.get("options") or []))


def quiz_problems(module: Module) -> list[str]:
    """Problems of a module's quizzes in both languages, including their shape agreeing."""
    vi, en = module.data["vi"].get("quiz"), module.data["en"].get("quiz")
    if vi is None and en is None:
        return []
    if vi is None or en is None:
        return [f"{module.key}: the quiz is in one language only; write it in vi.yaml and en.yaml."]
    audience = module.data["vi"]["audience"]
    problems = check_quiz(vi, f"{module.key}/vi.yaml", audience=audience)
    problems += check_quiz(en, f"{module.key}/en.yaml", audience=audience)
    if problems:
        return problems
    if vi["pass_mark_percent"] != en["pass_mark_percent"]:
        problems.append(f"{module.key}: the quiz's pass mark differs between the languages.")
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
    """For the module's quiz in `language`: how many single-choice and scenario items there are,
    in how many the keyed option (the right choice, the best-scored option) is the longest one,
    and at which place (1-based) it stands, counted per place. A learner who always picks the
    longest option, or always the same place, should not pass."""
    quiz = module.data[language].get("quiz") or {}
    items = longest = 0
    places: dict[int, int] = {}
    for question in quiz.get("questions") or []:
        kind, value = block_parts(question)
        if kind not in ("single_choice", "scenario") or not isinstance(value, dict):
            continue
        options = value.get("choices" if kind == "single_choice" else "options") or []
        if len(options) < 2:
            continue
        if kind == "single_choice":
            keyed = [i for i, option in enumerate(options) if option.get("correct")]
        else:
            best = max(int(option.get("score") or 0) for option in options)
            keyed = [i for i, option in enumerate(options) if int(option.get("score") or 0) == best]
        if len(keyed) != 1:
            continue
        (index,) = keyed
        items += 1
        lengths = [len(str(option.get("text") or "")) for option in options]
        if lengths[index] == max(lengths) and lengths.count(max(lengths)) == 1:
            longest += 1
        places[index + 1] = places.get(index + 1, 0) + 1
    return {"items": items, "longest": longest, "places": dict(sorted(places.items()))}
