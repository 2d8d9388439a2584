"""Check the curriculum data files before they are loaded.

    .venv/bin/python scripts/check_curriculum.py                  # every module
    .venv/bin/python scripts/check_curriculum.py courses/curriculum/modules/10-...  # some

Prints every problem with the file, lesson and block it is in, and each lesson's word count;
exits 1 if anything must be fixed. For each quiz it also prints how predictable its keyed answers
are: in how many single-choice and scenario items the keyed option is the longest one, and the
place it stands at (1 = first).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from courses.curriculum import CurriculumError, lesson_words, module_folders, read_curriculum
from quizzes.curriculum import check_quizzes, keyed_answers


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
        print(f"{module.key}: {len(vi['lessons'])} lessons; words vi/en: {counts}{quiz}")
    print(f"\nOK: {len(modules)} modules, {lessons} lessons in each language.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
