"""Check the curriculum data files before they are loaded.

    .venv/bin/python scripts/check_curriculum.py                  # every module
    .venv/bin/python scripts/check_curriculum.py courses/curriculum/modules/10-...  # some

Prints every problem with the file, lesson and block it is in, and each lesson's word count;
exits 1 if anything must be fixed. For each quiz it also prints how predictable its keyed answers
are: in how many single-choice and scenario items the keyed option is the longest one, and the
place it stands at (1 = first), and fails where it is the longest in more than 40 % of them or
one place holds it in more than half (`quizzes.curriculum.predictability_problems`); and, for a
quiz that draws from a bank, the bank's size, its scenarios and how many each attempt asks.
"""

import os
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elearning.settings.dev")
django.setup()  # the question types (quizzes.questions) are Wagtail blocks too

from glossary import offences, read_glossary  # noqa: E402

from courses.curriculum import (  # noqa: E402
    CurriculumError,
    content_problems,
    lesson_words,
    module_folders,
    read_curriculum,
)
from quizzes.curriculum import (  # noqa: E402
    assessment_summary,
    check_quizzes,
    keyed_answers,
    predictability_problems,
)


def main(argv: list[str]) -> int:
    folders = [Path(arg).resolve() for arg in argv] or module_folders()
    try:
        modules = read_curriculum(folders)
        check_quizzes(modules)
    except CurriculumError as error:
        for problem in error.problems:
            print(problem)
        print(f"\n{len(error.problems)} problem(s) to fix.")
        return 1
    lessons = 0
    for module in modules:
        vi, en = module.data["vi"], module.data["en"]
        counts = ", ".join(
            f"{lesson_words(a)}/{lesson_words(b)}" for a, b in zip(vi["lessons"], en["lessons"], strict=True)
        )
        lessons += len(vi["lessons"])
        quiz = f"; quiz: {len(vi['quiz']['questions'])} questions" if vi.get("quiz") else ""
        keyed = keyed_answers(module)
        if keyed["items"]:
            share = round(100 * keyed["longest"] / keyed["items"])
            places = ", ".join(f"{place}: {count}" for place, count in keyed["places"].items())
            quiz += (
                f"; keyed option the longest in {keyed['longest']} of {keyed['items']} choice items"
                f" ({share} %); keyed places {places}"
            )
        summary = assessment_summary(module)
        if summary and summary["per_attempt"] < summary["bank"]:
            quiz += (
                f"; bank of {summary['bank']}, {summary['scenarios']} scenarios"
                f" ({round(100 * summary['scenarios'] / summary['bank'])} %), {summary['per_attempt']} per attempt"
            )
        print(f"{module.key}: {len(vi['lessons'])} lessons; words vi/en: {counts}{quiz}")
    terms = read_glossary()
    problems = [problem for module in modules for problem in predictability_problems(module)]
    problems += [
        problem for module in modules for problem in content_problems(module, lambda text: offences(text, terms))
    ]
    if problems:
        print()
        for problem in problems:
            print(problem)
        print(f"\n{len(problems)} problem(s) of facts, wording or predictable answers: fix them.")
        return 1
    print(f"\nOK: {len(modules)} modules, {lessons} lessons in each language.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
